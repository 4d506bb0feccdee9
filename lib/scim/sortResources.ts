import { type AttributePath, getCaseInsensitive, type Json, resolveAttributePath, valuesAt } from './attributePath.js';
import type { ScimResourceType } from './scimSchemas.js';

/**
 * Sorts by an attribute per RFC 7644 §3.4.2.3: multi-valued attributes sort by their primary (or
 * first) value, strings honour caseExact, resources without the attribute come last either way.
 */
export function sortResources(type: ScimResourceType, resources: Json[], sortBy: string, descending: boolean): Json[] {
  let path = resolveAttributePath(type, sortBy);
  if (path.definition.type === 'complex' && path.names.length === 1) path = resolveAttributePath(type, `${sortBy}.value`);
  const caseExact = path.definition.config.caseExact === true;
  const keyOf = (resource: Json): string | number | undefined => {
    const value = sortValue(resource, path);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return value;
    if (path.definition.type === 'dateTime') return Date.parse(String(value));
    if (typeof value === 'boolean') return value ? 1 : 0;
    return caseExact ? String(value) : String(value).toLowerCase();
  };
  const keyed = resources.map((resource) => ({ resource, key: keyOf(resource) }));
  keyed.sort((a, b) => {
    if (a.key === undefined || b.key === undefined) return a.key === b.key ? 0 : a.key === undefined ? 1 : -1;
    const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    return descending ? -order : order;
  });
  return keyed.map((entry) => entry.resource);
}

/** The primary element's value when an element is marked primary, else the first value. */
function sortValue(resource: Json, path: AttributePath): unknown {
  const [top = '', sub] = path.names;
  if (sub !== undefined) {
    const primary = valuesAt(resource, { ...path, names: [top] }).find(
      (element) => element !== null && typeof element === 'object' && (element as Json).primary === true,
    );
    const value = primary === undefined ? undefined : getCaseInsensitive(primary as Json, sub);
    if (value !== undefined && value !== null) return value;
  }
  return valuesAt(resource, path)[0];
}
