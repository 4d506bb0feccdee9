import SCIMMY from 'scimmy';
import { scimError } from './scimError.js';
import { type ScimResourceType, schemaDefinition } from './scimSchemas.js';

export type Json = Record<string, unknown>;

export interface AttributePath {
  /** The extension schema URN holding the attribute, or undefined for core attributes. */
  readonly schema?: string;
  /** Attribute names as the schema spells them (case-folded input is normalised). */
  readonly names: readonly string[];
  readonly definition: SCIMMY.Types.Attribute;
}

/**
 * Resolves an attribute path as clients write it ("userName", "name.familyName", "EMAILS.value",
 * "urn:...:enterprise:2.0:User:manager.value") against the resource's schema. Unknown attributes are
 * a client error; the caller chooses which SCIM error type that is.
 */
export function resolveAttributePath(
  type: ScimResourceType,
  path: string,
  onUnknown: (detail: string) => Error = (detail) => scimError(400, 'invalidPath', detail),
): AttributePath {
  const definition = schemaDefinition(type);
  let schema: string | undefined;
  let rest = path;
  for (const candidate of [definition.id, ...extensionIds(definition)]) {
    if (path.toLowerCase().startsWith(`${candidate.toLowerCase()}:`)) {
      schema = candidate === definition.id ? undefined : candidate;
      rest = path.slice(candidate.length + 1);
      break;
    }
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((part) => !/^[A-Za-z$][\w$-]*$/.test(part))) {
    throw onUnknown(`Invalid attribute path '${path}'`);
  }
  let attribute: SCIMMY.Types.Attribute | undefined;
  try {
    attribute = definition.attribute<SCIMMY.Types.Attribute>(schema ? `${schema}:${rest}` : rest);
  } catch {
    attribute = undefined;
  }
  if (!attribute || typeof (attribute as { type?: unknown }).type !== 'string') {
    throw onUnknown(`Unknown attribute '${path}' for resource type ${type}`);
  }
  const top = lookupSubAttribute(definition, schema, parts[0] ?? '');
  const names = [top, ...(parts[1] ? [attribute.name] : [])];
  return { ...(schema ? { schema } : {}), names, definition: attribute };
}

/** All values at a path, flattening multi-valued attributes; absent values are omitted. */
export function valuesAt(resource: Json, path: AttributePath): unknown[] {
  let nodes: unknown[] = [path.schema ? getCaseInsensitive(resource, path.schema) : resource];
  for (const name of path.names) {
    nodes = nodes.flatMap((node) => {
      if (node === null || typeof node !== 'object') return [];
      const value = getCaseInsensitive(node as Json, name);
      return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    });
  }
  return nodes;
}

export function getCaseInsensitive(object: Json | undefined, key: string): unknown {
  if (!object || typeof object !== 'object') return undefined;
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  const match = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return match === undefined ? undefined : object[match];
}

export function extensionIds(definition: SCIMMY.Types.SchemaDefinition): string[] {
  // scimmy keeps registered extensions among the attributes, as nested schema definitions.
  return (definition.attributes as unknown[])
    .filter((entry): entry is SCIMMY.Types.SchemaDefinition => entry instanceof SCIMMY.Types.SchemaDefinition)
    .map((extension) => extension.id);
}

function lookupSubAttribute(definition: SCIMMY.Types.SchemaDefinition, schema: string | undefined, name: string): string {
  try {
    return definition.attribute(schema ? `${schema}:${name}` : name).name;
  } catch {
    return name;
  }
}

/** Complex attributes with a "value" sub-attribute (emails, members) compare on it when unqualified. */
export function hasValueSubAttribute(attribute: AttributePath['definition']): boolean {
  return (attribute.subAttributes ?? []).some((sub) => sub.name === 'value');
}
