import { isDeepStrictEqual } from 'node:util';
import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { AttributeAuthority, PersonAttribute, SourceClass } from '../domain/PersonAttribute.js';
import { personAttributePaths } from './personAttributePaths.js';

type Json = Record<string, unknown>;

export interface AuthorityDecision {
  /** The attributes to write: the proposal, with what the source may not change put back. */
  readonly attributes: Json;
  /** The attributes the source tried to change but another feeding source owns. */
  readonly withheld: readonly PersonAttribute[];
  /** Who owns what was withheld. */
  readonly owner?: SourceClass;
}

/** "hr:workday" → "hr"; the IdP writes as "idp". */
export const sourceClassOf = (source: string): SourceClass => (source.startsWith('hr:') ? 'hr' : 'idp');

/**
 * Applies source authority to a proposed change (README "Source authority"): an attribute owned by
 * another class of source that also feeds this person keeps its current value. A person fed by one
 * source only takes everything from it, so SCIM-only and HR-only deployments are unaffected.
 *
 * Employment status fails safe: any source may deactivate a person (an IdP disabling a compromised
 * account must never wait for HR), but only the owner may reactivate one the owner deactivated.
 */
export function withholdUnowned(current: UserRecord, proposed: Readonly<Json>, source: string, authority: AttributeAuthority): AuthorityDecision {
  const writer = sourceClassOf(source);
  const feeding = new Set(Object.keys(current.sources ?? {}).map(sourceClassOf));
  const attributes = structuredClone(proposed) as Json;
  const withheld: PersonAttribute[] = [];
  let owner: SourceClass | undefined;
  for (const [ownerClass, owned] of Object.entries(authority) as [SourceClass, readonly PersonAttribute[]][]) {
    if (ownerClass === writer || !feeding.has(ownerClass)) continue;
    for (const attribute of owned) {
      if (attribute === 'groups') continue;
      const path = personAttributePaths[attribute];
      const before = readPath(current.attributes, path);
      const after = readPath(attributes, path);
      if (isDeepStrictEqual(before, after)) continue;
      if (attribute === 'employmentStatus' && !reactivatesOwnersLeaver(current, after, ownerClass)) continue;
      writePath(attributes, path, before);
      withheld.push(attribute);
      owner = ownerClass;
    }
  }
  return { attributes, withheld, ...(owner ? { owner } : {}) };
}

/** Whether `active` would go back to true on a person whose owner of employment status made them inactive. */
function reactivatesOwnersLeaver(current: UserRecord, nextActive: unknown, ownerClass: SourceClass): boolean {
  if (nextActive === false) return false;
  return !current.active && current.activeSetBy !== undefined && sourceClassOf(current.activeSetBy) === ownerClass;
}

function readPath(attributes: Readonly<Json>, path: readonly string[]): unknown {
  let value: unknown = attributes;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Json)[key] : undefined;
  // An absent `active` means active in SCIM, so "absent" and true never differ.
  return path.length === 1 && path[0] === 'active' ? value !== false : value;
}

function writePath(attributes: Json, path: readonly string[], value: unknown): void {
  let target = attributes;
  for (const key of path.slice(0, -1)) {
    if (target[key] === null || typeof target[key] !== 'object') {
      if (value === undefined) return;
      target[key] = {};
    }
    target = target[key] as Json;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = structuredClone(value);
}
