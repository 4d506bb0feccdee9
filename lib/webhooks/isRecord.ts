/** A plain JSON object (not null, not an array): the only kind of body a vendor payload can be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
