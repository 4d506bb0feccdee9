import { type Filter, parse } from 'scim2-parse-filter';
import { hasValueSubAttribute, resolveAttributePath } from './attributePath.js';
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
    const { masked, strings } = maskStrings(expression);
    // Every complete string literal is a placeholder now; a quote left over opens one that never
    // ends. scim2-parse-filter's string pattern backtracks exponentially on that when line breaks
    // follow (a 279-character filter held a CPU for minutes), so it never sees one.
    if (masked.replace(/"\d+"/g, '').includes('"')) throw new Error('a string value is not terminated');
    ast = restoreStrings(parse(inlineValuePathSubAttributes(masked)), strings);
  } catch (error) {
    throw scimError(400, 'invalidFilter', `Invalid filter: ${(error as Error).message}`);
  }
  checkAttributes(type, ast, undefined, 0);
  return ast;
}

/**
 * Filter values are JSON strings (RFC 7644 §3.4.2.2), but scim2-parse-filter unescapes only \" and
 * keeps every other backslash, so "DOMAIN\\jo" would look for DOMAIN\\jo. Decode each string
 * literal here and hand the parser a numbered placeholder instead; a backslash that is not a JSON
 * escape is kept as written, as scim2-parse-filter does.
 */
function maskStrings(expression: string): { masked: string; strings: string[] } {
  const strings: string[] = [];
  const masked = expression.replace(/"(?:[^"\\]|\\.)*"/g, (literal) => {
    let value: string;
    try {
      value = String(JSON.parse(literal));
    } catch {
      value = literal.slice(1, -1).replace(/\\(["\\])/g, '$1');
    }
    strings.push(value);
    return `"${strings.length - 1}"`;
  });
  return { masked, strings };
}

function restoreStrings(node: Filter, strings: readonly string[]): Filter {
  switch (node.op) {
    case 'and':
    case 'or':
      return { ...node, filters: node.filters.map((child) => restoreStrings(child, strings)) };
    case 'not':
      return { ...node, filter: restoreStrings(node.filter, strings) };
    case '[]':
      return { ...node, valFilter: restoreStrings(node.valFilter, strings) };
    case 'pr':
      return node;
    default:
      return typeof node.compValue === 'string' ? { ...node, compValue: strings[Number(node.compValue)] ?? node.compValue } : node;
  }
}

/**
 * scim2-parse-filter reads `emails[type eq "work"].value eq "x"` as `emails[type eq "work"] and
 * emails.value eq "x"`, which also matches a user whose work email is another one and whose home
 * email is "x". RFC 7644 means one element satisfying both, so move the sub-attribute's comparison
 * into the value filter first: `emails[(type eq "work") and value eq "x"]`.
 */
function inlineValuePathSubAttributes(expression: string): string {
  let open = -1;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === '"') {
      for (i++; i < expression.length && expression[i] !== '"'; i++) if (expression[i] === '\\') i++;
    } else if (char === '[') {
      open = i;
    } else if (char === ']' && open >= 0) {
      const rest = expression.slice(i + 1);
      const head = /^\.([A-Za-z$][\w$-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/i.exec(rest);
      if (head) {
        const [headText, subAttribute, op = ''] = head;
        const value = op.toLowerCase() === 'pr' ? '' : /^\s+(?:"(?:[^"\\]|\\.)*"|[^\s()[\]]+)/.exec(rest.slice(headText.length))?.[0];
        if (value !== undefined) {
          const after = rest.slice(headText.length + value.length);
          const inner = expression.slice(open + 1, i);
          return inlineValuePathSubAttributes(`${expression.slice(0, open + 1)}(${inner}) and ${subAttribute} ${op}${value}]${after}`);
        }
      }
      open = -1;
    }
  }
  return expression;
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
      if (node.op !== 'pr' && path.definition.type === 'complex' && !hasValueSubAttribute(path.definition)) {
        throw invalid(`Operator '${node.op}' needs a sub-attribute of complex attribute '${node.attrPath}'`);
      }
      if (node.op !== 'pr' && path.definition.type === 'dateTime' && typeof node.compValue === 'string' && Number.isNaN(Date.parse(node.compValue))) {
        throw invalid(`'${node.compValue}' is not a dateTime for attribute '${node.attrPath}'`);
      }
      if (node.op !== 'pr' && path.definition.type === 'boolean' && !['eq', 'ne'].includes(node.op)) {
        throw invalid(`Operator '${node.op}' is not defined for boolean attribute '${node.attrPath}'`);
      }
      if (node.op !== 'pr' && ['co', 'sw', 'ew'].includes(node.op) && typeof node.compValue !== 'string') {
        throw invalid(`Operator '${node.op}' needs a string value`);
      }
    }
  }
}
