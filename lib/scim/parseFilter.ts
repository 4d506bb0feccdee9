import { type Filter, parse } from 'scim2-parse-filter';
import { resolveAttributePath } from './attributePath.js';
import { scimError } from './scimError.js';
import type { ScimResourceType } from './scimSchemas.js';

export type { Filter } from 'scim2-parse-filter';

const MAX_FILTER_LENGTH = 4096;
const MAX_FILTER_DEPTH = 32;

/**
 * Parses an RFC 7644 §3.4.2.2 filter into an AST and checks every attribute against the schema, so
 * a bad filter is a 400 invalidFilter before anything is read. (scim2-parse-filter parses
 * correctly, including `not (a or b)` and escaped quotes, where scimmy's own parser does not.)
 */
export function parseFilter(type: ScimResourceType, expression: string): Filter {
  if (expression.trim() === '') throw scimError(400, 'invalidFilter', 'Filter must not be empty');
  if (expression.length > MAX_FILTER_LENGTH) throw scimError(400, 'invalidFilter', 'Filter is too long');
  let ast: Filter;
  try {
    ast = parse(expression);
  } catch (error) {
    throw scimError(400, 'invalidFilter', `Invalid filter: ${(error as Error).message}`);
  }
  checkAttributes(type, ast, undefined, 0);
  return ast;
}

function checkAttributes(type: ScimResourceType, node: Filter, parent: string | undefined, depth: number): void {
  if (depth > MAX_FILTER_DEPTH) throw scimError(400, 'invalidFilter', 'Filter is nested too deeply');
  const invalid = (detail: string): Error => scimError(400, 'invalidFilter', detail);
  switch (node.op) {
    case 'and':
    case 'or':
      for (const child of node.filters) checkAttributes(type, child, parent, depth + 1);
      return;
    case 'not':
      checkAttributes(type, node.filter, parent, depth + 1);
      return;
    case '[]': {
      if (parent) throw invalid('Value filters cannot be nested');
      const path = resolveAttributePath(type, node.attrPath, invalid);
      if (path.definition.type !== 'complex' || !path.definition.config.multiValued) {
        throw invalid(`'${node.attrPath}' is not a multi-valued complex attribute`);
      }
      checkAttributes(type, node.valFilter, node.attrPath, depth + 1);
      return;
    }
    default: {
      const path = resolveAttributePath(type, parent ? `${parent}.${node.attrPath}` : node.attrPath, invalid);
      if (node.op !== 'pr' && path.definition.type === 'boolean' && !['eq', 'ne'].includes(node.op)) {
        throw invalid(`Operator '${node.op}' is not defined for boolean attribute '${node.attrPath}'`);
      }
      if (node.op !== 'pr' && ['co', 'sw', 'ew'].includes(node.op) && typeof node.compValue !== 'string') {
        throw invalid(`Operator '${node.op}' needs a string value`);
      }
    }
  }
}
