import type { HashedToken } from './HashedToken.js';

/** Validates the secret's shape; a malformed secret is an operator error, reported without its value. */
export function parseTokenSecret(secretString: string | undefined): HashedToken[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch (error) {
    throw new Error('SCIM token secret is not JSON', { cause: error });
  }
  const tokens = (parsed as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens)) throw new Error('SCIM token secret must be {"tokens":[...]}');
  return tokens.map((entry, index) => {
    const { label, sha256, notAfter } = (entry ?? {}) as Record<string, unknown>;
    if (typeof label !== 'string' || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256)) {
      throw new Error(`SCIM token secret entry ${index} needs a label and a hex sha256`);
    }
    return { label, sha256: sha256.toLowerCase(), ...(typeof notAfter === 'string' ? { notAfter } : {}) };
  });
}
