import SCIMMY from 'scimmy';

type Json = Record<string, unknown>;

/**
 * Microsoft Entra ID sends booleans as the strings "True" / "False" and the enterprise manager as a
 * bare id string. Rewrite those to what the schema says (boolean; { value }) before validation, so
 * Entra's requests succeed while wrong types from anyone else are still rejected by the schema.
 */
export function coerceEntraValues(attribute: SCIMMY.Types.Attribute | SCIMMY.Types.SchemaDefinition | undefined, value: unknown): unknown {
  if (attribute === undefined || value === null || value === undefined) return value;
  if (attribute instanceof SCIMMY.Types.SchemaDefinition) return coerceObject(attribute.attributes, value);
  if (Array.isArray(value)) return value.map((element) => coerceEntraValues(attribute, element));
  if (attribute.type === 'boolean' && typeof value === 'string') {
    const lower = value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : value;
  }
  if (attribute.type === 'complex') {
    if (attribute.name === 'manager' && typeof value === 'string') return { value };
    return coerceObject(attribute.subAttributes ?? [], value);
  }
  return value;
}

function coerceObject(attributes: readonly unknown[], value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value as Json)) {
    const match = attributes.find(
      (candidate) =>
        (candidate instanceof SCIMMY.Types.Attribute && candidate.name.toLowerCase() === key.toLowerCase()) ||
        (candidate instanceof SCIMMY.Types.SchemaDefinition && candidate.id.toLowerCase() === key.toLowerCase()),
    ) as SCIMMY.Types.Attribute | SCIMMY.Types.SchemaDefinition | undefined;
    out[key] = coerceEntraValues(match, child);
  }
  return out;
}

/** Looks an attribute up by path without throwing (unknown paths are the PATCH engine's to report). */
export function findAttribute(
  definition: SCIMMY.Types.SchemaDefinition,
  path: string,
): SCIMMY.Types.Attribute | SCIMMY.Types.SchemaDefinition | undefined {
  try {
    // Value filters ("emails[type eq \"work\"].value") do not change which attribute is meant.
    return definition.attribute(path.replace(/\[[^\]]*\]/g, ''));
  } catch {
    return undefined;
  }
}
