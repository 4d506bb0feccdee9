import { etagOf } from './represent.js';
import { scimError } from './scimError.js';

/**
 * RFC 7232 If-Match against the resource's current ETag: absent or "*" passes; otherwise one of the
 * listed tags must match (weak comparison, so W/"3" and "3" are the same version).
 */
export function checkIfMatch(version: number, ifMatch: string | undefined): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = normalise(etagOf(version));
  const tags = ifMatch.split(',').map((tag) => normalise(tag.trim()));
  if (!tags.includes(current)) {
    throw scimError(412, null, `Resource version ${etagOf(version)} does not match If-Match ${ifMatch}`);
  }
}

/** RFC 7232 If-None-Match for GET: true when the client's copy is current (answer 304). */
export function matchesIfNoneMatch(version: number, ifNoneMatch: string | undefined): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const current = normalise(etagOf(version));
  return ifNoneMatch.split(',').some((tag) => normalise(tag.trim()) === current);
}

const normalise = (tag: string): string => tag.replace(/^W\//i, '');
