import { extensionIds, getCaseInsensitive, type Json, resolveAttributePath } from './attributePath.js';
import { scimError } from './scimError.js';
import { type ScimResourceType, schemaDefinition } from './scimSchemas.js';

export interface Projection {
  readonly attributes?: readonly string[];
  readonly excludedAttributes?: readonly string[];
}

/** Parses the comma-separated `attributes` / `excludedAttributes` query values. */
export function parseProjection(type: ScimResourceType, attributes?: string, excludedAttributes?: string): Projection {
  const split = (value: string): string[] => {
    const names = value.split(',').map((name) => name.trim()).filter(Boolean);
    for (const name of names) {
      if (!isExtension(type, name)) resolveAttributePath(type, name, (detail) => scimError(400, 'invalidValue', detail));
    }
    return names;
  };
  return {
    ...(attributes !== undefined ? { attributes: split(attributes) } : {}),
    ...(excludedAttributes !== undefined ? { excludedAttributes: split(excludedAttributes) } : {}),
  };
}

/**
 * Applies RFC 7644 §3.9: `attributes` returns only the named ones (plus id and schemas, which are
 * always returned); otherwise `excludedAttributes` removes the named ones. Sub-attributes of
 * multi-valued attributes are projected element by element.
 */
export function projectAttributes(type: ScimResourceType, resource: Json, projection: Projection): Json {
  if (projection.attributes?.length) {
    const out: Json = { schemas: resource.schemas, id: resource.id };
    for (const name of projection.attributes) copyPath(type, resource, out, name);
    return out;
  }
  if (projection.excludedAttributes?.length) {
    const out = structuredClone(resource);
    for (const name of projection.excludedAttributes) removePath(type, out, name);
    return out;
  }
  return resource;
}

function isExtension(type: ScimResourceType, name: string): string | undefined {
  return extensionIds(schemaDefinition(type)).find((id) => id.toLowerCase() === name.toLowerCase());
}

function locate(type: ScimResourceType, name: string): { container: string | undefined; names: readonly string[] } {
  const path = resolveAttributePath(type, name);
  return { container: path.schema, names: path.names };
}

function copyPath(type: ScimResourceType, from: Json, to: Json, name: string): void {
  const extension = isExtension(type, name);
  if (extension) {
    if (from[extension] !== undefined) to[extension] = structuredClone(from[extension]);
    return;
  }
  const { container, names } = locate(type, name);
  const source = container ? (from[container] as Json | undefined) : from;
  if (!source) return;
  let target = to;
  if (container) target = (to[container] ??= {}) as Json;
  const [top, sub] = names as [string, string | undefined];
  const value = getCaseInsensitive(source, top);
  if (value === undefined) return;
  if (sub === undefined) {
    target[top] = structuredClone(value);
  } else if (Array.isArray(value)) {
    const existing = (Array.isArray(target[top]) ? target[top] : value.map(() => ({}))) as Json[];
    value.forEach((element, index) => {
      const subValue = getCaseInsensitive(element as Json, sub);
      if (subValue !== undefined && existing[index]) existing[index][sub] = structuredClone(subValue);
    });
    target[top] = existing;
  } else if (value && typeof value === 'object') {
    const subValue = getCaseInsensitive(value as Json, sub);
    if (subValue !== undefined) ((target[top] ??= {}) as Json)[sub] = structuredClone(subValue);
  }
  if (container && Object.keys(target).length === 0) delete to[container];
}

function removePath(type: ScimResourceType, resource: Json, name: string): void {
  const extension = isExtension(type, name);
  if (extension) {
    delete resource[extension];
    return;
  }
  const { container, names } = locate(type, name);
  const [top, sub] = names as [string, string | undefined];
  // id and schemas are returned always (RFC 7643 §3), whatever excludedAttributes names.
  if (!container && ['id', 'schemas'].includes(top.toLowerCase())) return;
  const holder = container ? (resource[container] as Json | undefined) : resource;
  if (!holder) return;
  const key = Object.keys(holder).find((candidate) => candidate.toLowerCase() === top.toLowerCase());
  if (key === undefined) return;
  if (sub === undefined) {
    delete holder[key];
  } else {
    for (const element of [holder[key]].flat()) {
      if (element && typeof element === 'object') {
        const subKey = Object.keys(element).find((candidate) => candidate.toLowerCase() === sub.toLowerCase());
        if (subKey) delete (element as Json)[subKey];
      }
    }
  }
}

/** Whether a response under this projection includes the (top-level core) attribute at all. */
export function wantsAttribute(projection: Projection, attribute: string): boolean {
  const name = attribute.toLowerCase();
  // "groups", "groups.display" and "urn:ietf:params:scim:schemas:core:2.0:User:groups" all name groups.
  const parts = (entry: string): string[] => entry.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/, '').split('.');
  if (projection.attributes?.length) return projection.attributes.some((entry) => parts(entry)[0] === name);
  // Excluding a sub-attribute ("groups.display") still returns the attribute.
  return !(projection.excludedAttributes ?? []).some((entry) => parts(entry).join('.') === name);
}
