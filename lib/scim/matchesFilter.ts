import type { Compare, Filter } from 'scim2-parse-filter';
import { identifierKeys } from '../directory/identifiers/identifierKeys.js';
import { type AttributePath, hasValueSubAttribute, type Json, resolveAttributePath, valuesAt } from './attributePath.js';
import type { ScimResourceType } from './scimSchemas.js';

/**
 * Evaluates a parsed filter against a resource's SCIM representation with the attribute
 * characteristics RFC 7643 gives: case-insensitive strings unless caseExact, dateTime compared as
 * time, multi-valued attributes matching if any value does, complex multi-valued attributes
 * compared on their "value" sub-attribute.
 */
export function matchesFilter(type: ScimResourceType, resource: Json, filter: Filter): boolean {
  return evaluate(type, resource, filter, undefined);
}

function evaluate(type: ScimResourceType, node: Json, filter: Filter, parent: string | undefined): boolean {
  switch (filter.op) {
    case 'and':
      return filter.filters.every((child) => evaluate(type, node, child, parent));
    case 'or':
      return filter.filters.some((child) => evaluate(type, node, child, parent));
    case 'not':
      return !evaluate(type, node, filter.filter, parent);
    case '[]': {
      const path = resolveAttributePath(type, filter.attrPath);
      return valuesAt(node, path).some(
        (element) => element !== null && typeof element === 'object' && evaluate(type, element as Json, filter.valFilter, filter.attrPath),
      );
    }
    case 'pr': {
      const { path, values } = resolve(type, node, filter.attrPath, parent);
      return values.some((value) => isPresent(value, path));
    }
    default: {
      const { path, values } = resolve(type, node, filter.attrPath, parent);
      const matches = values.some((value) => compare(filter, value, path));
      // "ne" holds when no value equals, including when the attribute is absent.
      return filter.op === 'ne' ? !values.some((value) => compare({ ...filter, op: 'eq' }, value, path)) : matches;
    }
  }
}

function resolve(
  type: ScimResourceType,
  node: Json,
  attrPath: string,
  parent: string | undefined,
): { path: AttributePath; values: unknown[] } {
  if (parent) {
    // Inside a value filter the node is one element of the parent attribute.
    const path = resolveAttributePath(type, `${parent}.${attrPath}`);
    const own = { ...path, schema: undefined, names: path.names.slice(-1) } as AttributePath;
    return { path, values: valuesAt(node, own) };
  }
  let path = resolveAttributePath(type, attrPath);
  if (path.definition.type === 'complex' && path.names.length === 1 && hasValueSubAttribute(path.definition)) {
    // "emails co x" means the emails' values; "name pr" means a non-empty name.
    path = resolveAttributePath(type, `${attrPath}.value`);
  }
  return { path, values: valuesAt(node, path) };
}

function isPresent(value: unknown, path: AttributePath): boolean {
  if (path.definition.type === 'complex') return value !== null && typeof value === 'object' && Object.keys(value).length > 0;
  return value !== null && value !== undefined && value !== '';
}

/**
 * Stored userNames have at most 256 UTF-16 units; NFC composes at most a few code units into one,
 * so no longer value can have a stored name's canonical form. Bounds the work one filter costs.
 */
const MAX_COMPARED_USERNAME = 4 * 256;

function compare(filter: Compare, actual: unknown, path: AttributePath): boolean {
  const { type, config } = path.definition;
  let expected = filter.compValue;
  if (expected === null) return false;
  if (type === 'boolean') {
    // Entra ID writes booleans as strings ("True"); accept both spellings.
    const normalise = (v: unknown): unknown => (typeof v === 'string' ? { true: true, false: false }[v.toLowerCase()] ?? v : v);
    return filter.op === 'eq' && normalise(actual) === normalise(expected);
  }
  if (type === 'dateTime') {
    const a = Date.parse(String(actual));
    const e = Date.parse(String(expected));
    if (Number.isNaN(a) || Number.isNaN(e)) return false;
    return order(filter.op, a - e);
  }
  if (type === 'integer' || type === 'decimal') {
    if (typeof actual !== 'number' || typeof expected !== 'number') return false;
    return order(filter.op, actual - expected);
  }
  if (typeof actual !== 'string' || typeof expected !== 'string') return false;
  let a = actual;
  if (filter.op === 'eq' && path.schema === undefined && path.names.length === 1 && path.names[0] === 'userName') {
    // The directory's userName lookup compares canonical forms (README "Identifiers"); so does this.
    // A value far longer than any stored userName (validateResource) equals none, canonical or not.
    return expected.length <= MAX_COMPARED_USERNAME && identifierKeys.userName(a) === identifierKeys.userName(expected);
  }
  if (!config.caseExact) {
    a = a.toLowerCase();
    expected = expected.toLowerCase();
  }
  switch (filter.op) {
    case 'co':
      return a.includes(expected);
    case 'sw':
      return a.startsWith(expected);
    case 'ew':
      return a.endsWith(expected);
    default:
      return order(filter.op, a < expected ? -1 : a > expected ? 1 : 0);
  }
}

function order(op: Compare['op'], difference: number): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}
