import canonicalizeModule from 'canonicalize';

// The package is CommonJS whose typings claim an ES default export; at runtime the default import
// is the function itself (the same shim as computeEventHash).
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * RFC 8785 (JCS) canonical JSON: the form the ledger hashes. Exports use it so that a line can be
 * re-hashed byte for byte by any tool, and so two exports of the same events are identical.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Value is not serialisable as JSON');
  return text;
}
