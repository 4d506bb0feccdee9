import type { HrPersonAttributes } from '../domain/HrEvent.js';

/**
 * Keeps only the attributes a payload actually carried: undefined, null and blank values are dropped,
 * so an absent attribute stays "unknown" for the endpoint instead of clearing what it already knows.
 */
export function compactAttributes(candidate: { readonly [K in keyof HrPersonAttributes]?: string | number | null | undefined }): Partial<HrPersonAttributes> {
  const attributes: Partial<Record<keyof HrPersonAttributes, string>> = {};
  for (const [name, value] of Object.entries(candidate) as [keyof HrPersonAttributes, string | number | null | undefined][]) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== '') attributes[name] = text;
  }
  return attributes;
}
