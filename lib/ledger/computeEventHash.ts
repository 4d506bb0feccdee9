import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { LedgerEvent } from '../domain/LedgerEvent.js';

// The package is CommonJS whose typings claim an ES default export; at runtime the default import
// is the function itself.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * SHA-256 over the RFC 8785 canonical JSON of the event without its own hash. Canonical form makes
 * the hash independent of key order, so any store or language can re-verify a chain.
 */
export function computeEventHash(event: Omit<LedgerEvent, 'hash'> | LedgerEvent): string {
  const { hash: _ignored, ...body } = event as LedgerEvent;
  const canonical = canonicalize(body);
  if (canonical === undefined) throw new TypeError('Ledger event is not serialisable');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
