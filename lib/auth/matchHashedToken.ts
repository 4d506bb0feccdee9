import { timingSafeEqual } from 'node:crypto';
import type { TokenIdentity } from '../ports/TokenVerifier.js';
import type { HashedToken } from './HashedToken.js';
import { hashToken } from './hashToken.js';

/**
 * Compares the presented token's digest with every stored digest in constant time. Digests have a
 * fixed length, so neither the token's length nor how many leading bytes match leaks through
 * timing; every candidate is compared even after a match.
 */
export function matchHashedToken(token: string, candidates: readonly HashedToken[], now: Date = new Date()): TokenIdentity | undefined {
  const presented = Buffer.from(hashToken(token), 'hex');
  let found: TokenIdentity | undefined;
  for (const candidate of candidates) {
    const stored = Buffer.from(candidate.sha256, 'hex');
    const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
    const current = candidate.notAfter === undefined || Date.parse(candidate.notAfter) > now.getTime();
    if (equal && current && found === undefined) found = { label: candidate.label };
  }
  return found;
}
