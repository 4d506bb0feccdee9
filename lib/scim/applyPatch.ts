import SCIMMY from 'scimmy';
import { coerceEntraValues, findAttribute } from './coerceEntraValues.js';
import { safeErrorDetail } from './safeErrorDetail.js';
import { isScimError, scimError } from './scimError.js';
import { type ScimResourceType, schemaDefinition } from './scimSchemas.js';

type Json = Record<string, unknown>;

interface Operation {
  op?: unknown;
  path?: unknown;
  value?: unknown;
}

/**
 * Applies an RFC 7644 §3.5.2 PatchOp to a resource's SCIM representation with scimmy's PatchOp
 * engine (paths, value filters, mutability, types), after smoothing over Entra ID's dialect.
 * Returns the patched representation, or undefined when the patch changes nothing.
 */
export async function applyPatch(type: ScimResourceType, current: Json, body: unknown): Promise<Json | undefined> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw scimError(400, 'invalidSyntax', 'PATCH body must be a PatchOp object');
  }
  const message = body as { schemas?: unknown; Operations?: unknown };
  if (!Array.isArray(message.Operations)) {
    throw scimError(400, 'invalidSyntax', "PatchOp request body must contain an 'Operations' array");
  }
  const definition = schemaDefinition(type);
  for (const operation of message.Operations as Operation[]) refuseReadOnlyPath(definition, operation);
  // scimmy cannot remove a whole extension by its URN (RFC 7644 §3.5.2.2 allows it): done here.
  const extensions = new Set(definition.attributes.filter((attribute) => attribute instanceof SCIMMY.Types.SchemaDefinition).map((schema) => (schema as SCIMMY.Types.SchemaDefinition).id.toLowerCase()));
  const removedExtensions = (message.Operations as Operation[]).filter(
    (operation) => typeof operation?.op === 'string' && operation.op.toLowerCase() === 'remove' && typeof operation.path === 'string' && extensions.has(operation.path.toLowerCase()),
  );
  const typedValuesAdded = new Set<string>();
  const operations = (message.Operations as unknown[])
    .filter((operation) => !removedExtensions.includes(operation as Operation))
    .map((operation) => normaliseOperation(definition, current, operation as Operation, typedValuesAdded))
    .flatMap((operation) => withoutEmptyAdds(operation))
    .flatMap((operation) => asFilteredRemoves(operation));
  const base = withoutExtensions(current, removedExtensions.map((operation) => String(operation.path)));
  if (operations.length === 0) return base === current ? undefined : base;
  try {
    const schema = type === 'User' ? SCIMMY.Schemas.User : SCIMMY.Schemas.Group;
    const instance = new schema(base, 'out');
    const patch = new SCIMMY.Messages.PatchOp({ schemas: message.schemas, Operations: operations } as never);
    const result = await patch.apply(instance as never);
    if (result === undefined) return base === current ? undefined : base;
    return JSON.parse(JSON.stringify(result)) as Json;
  } catch (error) {
    throw toScimError(error);
  }
}

/** RFC 7644 §3.5.2: a PATCH may not set or remove a read-only attribute (groups, meta, id): 400 mutability. */
function refuseReadOnlyPath(definition: SCIMMY.Types.SchemaDefinition, operation: Operation): void {
  if (operation === null || typeof operation !== 'object' || typeof operation.path !== 'string') return;
  const attributeName = /^[^[]+/.exec(operation.path)?.[0] ?? operation.path;
  let attribute: SCIMMY.Types.Attribute | undefined;
  try {
    attribute = definition.attribute(attributeName) as SCIMMY.Types.Attribute;
  } catch {
    return; // Not an attribute of the schema: scimmy answers invalidPath.
  }
  if (attribute?.config?.mutable === false) throw scimError(400, 'mutability', `Attribute '${operation.path}' is read-only`);
}

function withoutExtensions(resource: Json, urns: readonly string[]): Json {
  if (urns.length === 0) return resource;
  const wanted = new Set(urns.map((urn) => urn.toLowerCase()));
  const keys = Object.keys(resource).filter((key) => wanted.has(key.toLowerCase()));
  if (keys.length === 0) return resource;
  const out: Json = { ...resource };
  for (const key of keys) delete out[key];
  if (Array.isArray(out.schemas)) out.schemas = (out.schemas as unknown[]).filter((schema) => typeof schema !== 'string' || !wanted.has(schema.toLowerCase()));
  return out;
}

function normaliseOperation(
  definition: SCIMMY.Types.SchemaDefinition,
  current: Json,
  operation: Operation,
  typedValuesAdded: Set<string>,
): Operation {
  if (operation === null || typeof operation !== 'object' || Array.isArray(operation)) return operation;
  const { op, path, value } = operation;
  if (typeof path === 'string') {
    const rewritten = addMissingTypedValue(current, op, path, value, typedValuesAdded);
    if (rewritten) return rewritten;
    if (typeof op === 'string' && op.toLowerCase() === 'remove' && Array.isArray(value)) {
      // Entra ID removes members as [{ "$ref": null, "value": id }]. A null sub-attribute is unassigned
      // (RFC 7643 §2.5), not a criterion: matching "$ref eq null" would remove nothing.
      return { ...operation, value: value.map(withoutNullMembers) };
    }
    return { ...operation, value: coerceEntraValues(findAttribute(definition, path), value) };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const coerced: Json = {};
    for (const [key, child] of Object.entries(value as Json)) coerced[key] = coerceEntraValues(findAttribute(definition, key), child);
    return { ...operation, value: coerced };
  }
  return operation;
}

/**
 * Entra ID replaces `emails[type eq "work"].value` on users that have no work email yet and expects
 * the value to be added; RFC 7644 would answer noTarget. Turn it into an add of a typed value. Entra
 * sets a new work address one sub-attribute per operation (`addresses[type eq "work"].locality`, then
 * `.country`): only the first creates the typed value, the later ones fill it in as ordinary paths.
 */
function addMissingTypedValue(
  current: Json,
  op: unknown,
  path: string,
  value: unknown,
  typedValuesAdded: Set<string>,
): Operation | undefined {
  const match = /^(\w+)\[type eq "([^"]*)"\]\.(\w+)$/i.exec(path);
  if (!match || typeof op !== 'string' || !['add', 'replace'].includes(op.toLowerCase())) return undefined;
  const [, attribute = '', typeName = '', sub = ''] = match;
  const key = Object.keys(current).find((candidate) => candidate.toLowerCase() === attribute.toLowerCase());
  const existing = key ? current[key] : undefined;
  const hasType = Array.isArray(existing) && existing.some((element) => (element as Json)?.type === typeName);
  const typedValue = `${attribute.toLowerCase()}[${typeName}]`;
  if (hasType || typedValuesAdded.has(typedValue)) return undefined;
  typedValuesAdded.add(typedValue);
  return { op: 'add', path: attribute, value: [{ type: typeName, [sub]: value }] };
}

/**
 * An `add` of an empty list adds nothing. scimmy fails on the second such operation of a request
 * with a JavaScript message ("'set' on proxy: trap returned falsish"), so these are dropped first.
 */
function withoutEmptyAdds(operation: Operation): Operation[] {
  if (operation === null || typeof operation !== 'object' || typeof operation.op !== 'string' || operation.op.toLowerCase() !== 'add') return [operation];
  const { path, value } = operation;
  if (Array.isArray(value)) return value.length === 0 ? [] : [operation];
  if (path !== undefined || value === null || typeof value !== 'object') return [operation];
  const kept = Object.entries(value as Json).filter(([, child]) => !(Array.isArray(child) && child.length === 0));
  if (kept.length === Object.keys(value as Json).length) return [operation];
  return kept.length === 0 ? [] : [{ ...operation, value: Object.fromEntries(kept) }];
}

/**
 * Entra ID's `remove` of `members` with a value list, as one filtered remove per value: scimmy
 * fails with a JavaScript message when the attribute has no values yet, where a filter that
 * matches nothing removes nothing, as a value list naming non-members does on a non-empty group.
 * Values a filter cannot carry verbatim (quotes, backslashes, non-strings) stay as they were.
 */
function asFilteredRemoves(operation: Operation): Operation[] {
  if (operation === null || typeof operation !== 'object' || typeof operation.op !== 'string' || operation.op.toLowerCase() !== 'remove') return [operation];
  const { path, value } = operation;
  if (path !== 'members' || !Array.isArray(value) || value.length === 0) return [operation];
  const filters: string[] = [];
  for (const item of value) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return [operation];
    const criteria = Object.entries(item as Json);
    if (criteria.length === 0 || criteria.some(([key, child]) => !/^\w+$/.test(key) || typeof child !== 'string' || /["\\]/.test(child))) return [operation];
    filters.push(criteria.map(([key, child]) => `${key} eq "${String(child)}"`).join(' and '));
  }
  return filters.map((filter) => ({ op: operation.op, path: `${path}[${filter}]` }));
}

function withoutNullMembers(element: unknown): unknown {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return element;
  return Object.fromEntries(Object.entries(element as Json).filter(([, child]) => child !== null));
}

function toScimError(error: unknown): Error {
  // scimmy rethrows the runtime's own errors inside an operation as invalidValue with their message.
  if (isScimError(error)) return error.scimType === 'invalidValue' ? scimError(400, 'invalidValue', safeErrorDetail(error, 'The PATCH operation cannot be applied to this resource')) : error;
  if (error instanceof TypeError) return scimError(400, 'invalidValue', safeErrorDetail(error, 'The PATCH operation cannot be applied to this resource'));
  return error as Error;
}
