import SCIMMY from 'scimmy';
import { canonicalUserName } from '../directory/identifiers/canonicalUserName.js';
import { coerceEntraValues } from './coerceEntraValues.js';
import { safeErrorDetail } from './safeErrorDetail.js';
import { isScimError, scimError } from './scimError.js';
import { MAX_RESOURCE_BYTES, type ScimResourceType, schemaDefinition } from './scimSchemas.js';

type Json = Record<string, unknown>;

/**
 * Attributes that become part of a storage key (the userName claim, the externalId index) must fit
 * one, whatever the characters: 256 UTF-16 units of userName stay under DynamoDB's 2048-byte key
 * after NFC and lower-casing, which can grow text up to sixfold in bytes. Both are far beyond any
 * real value (an email address is at most 254; an HR link is "hr:<source>:" and a 256-character id).
 */
const MAX_IDENTIFIER_LENGTHS: Readonly<Record<string, number>> = { userName: 256, externalId: 512 };

/** Attributes the server owns or derives; a client's values for them are never stored. */
const SERVER_OWNED = new Set(['schemas', 'id', 'meta', 'groups', 'members', 'password']);

export interface ValidatedResource {
  /** Client-writable attributes as the schema coerced them. */
  readonly attributes: Json;
  /** Group members as sent (validated for shape), undefined for users or when absent. */
  readonly members?: readonly { value: string; type?: string }[];
}

/**
 * Validates a POST or PUT body against the resource's schema (RFC 7643 types, required attributes)
 * before anything is written. Passwords are never kept: Perimeter provisions
 * identities, it does not authenticate them.
 */
export function validateResource(type: ScimResourceType, body: unknown, options: { readonly absentActive?: boolean } = {}): ValidatedResource {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw scimError(400, 'invalidSyntax', `Request body must be a single ${type} resource object`);
  }
  const definition = schemaDefinition(type);
  // RFC 7643 §2.5: null is the same as unassigned. Entra ID's documented create request sends
  // "phoneNumbers": null and the like for attributes the person has no value for.
  const input = coerceEntraValues(definition, withoutNulls(body)) as Json;
  let coerced: Json;
  try {
    const schema = type === 'User' ? SCIMMY.Schemas.User : SCIMMY.Schemas.Group;
    coerced = JSON.parse(JSON.stringify(new schema(input, 'in'))) as Json;
  } catch (error) {
    if (isScimError(error)) throw error;
    throw scimError(400, 'invalidValue', safeErrorDetail(error, `The ${type} does not match its schema`));
  }
  const attributes: Json = {};
  for (const [key, value] of Object.entries(coerced)) if (!SERVER_OWNED.has(key)) attributes[key] = value;
  const required = type === 'User' ? 'userName' : 'displayName';
  if (typeof attributes[required] !== 'string' || (attributes[required] as string).trim() === '') {
    throw scimError(400, 'invalidValue', `Attribute '${required}' is required and must not be empty`);
  }
  for (const [name, limit] of Object.entries(MAX_IDENTIFIER_LENGTHS)) {
    const value = attributes[name];
    if (typeof value === 'string' && value.length > limit) {
      throw scimError(400, 'invalidValue', `Attribute '${name}' must be at most ${limit} characters`);
    }
  }
  if (type === 'User') {
    // RFC 8265 (README "Identifiers"), once the length is known to be bounded. The userName is
    // stored as sent, since clients expect their value back, and is compared by its canonical form.
    const canonical = canonicalUserName(attributes.userName as string);
    if (!canonical.ok) throw scimError(400, 'invalidValue', `Attribute 'userName' ${canonical.detail}`);
  }
  // A new user without `active` is active; an update that leaves it unassigned (PUT without it,
  // PATCH remove) keeps what the user had: removing the attribute must not re-enable a leaver.
  if (type === 'User' && attributes.active === undefined) attributes.active = options.absentActive ?? true;
  const size = Buffer.byteLength(JSON.stringify(attributes), 'utf8');
  if (size > MAX_RESOURCE_BYTES) {
    throw scimError(400, 'invalidValue', `The ${type} is too large to store: its attributes take ${size} bytes, at most ${MAX_RESOURCE_BYTES}`);
  }
  return { attributes, ...(type === 'Group' ? { members: parseMembers((input as Json).members) } : {}) };
}

function withoutNulls(value: unknown): unknown {
  // A null element of a multi-valued attribute is no value either (and would reach code that reads
  // each element's sub-attributes).
  if (Array.isArray(value)) return value.filter((element) => element !== null).map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value as Json)) if (child !== null) out[key] = withoutNulls(child);
  return out;
}

export function parseMembers(value: unknown): { value: string; type?: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw scimError(400, 'invalidValue', "Attribute 'members' must be a list");
  const seen = new Map<string, { value: string; type?: string }>();
  for (const member of value) {
    const id = (member as Json | null)?.value;
    if (typeof id !== 'string' || id.trim() === '') {
      throw scimError(400, 'invalidValue', "Every member needs a non-empty string 'value'");
    }
    const memberType = (member as Json).type;
    seen.set(id, { value: id, ...(typeof memberType === 'string' ? { type: memberType } : {}) });
  }
  return [...seen.values()];
}
