import { randomBytes } from 'node:crypto';
import type { HashedToken } from '../lib/auth/HashedToken.js';
import { hashToken } from '../lib/auth/hashToken.js';
import { parseTokenSecret } from '../lib/auth/parseTokenSecret.js';
import type { SecretStore } from '../lib/ports/SecretStore.js';

export type TokenRole = 'scim' | 'admin' | 'auditor';

export interface ResolvedToken {
  /** The secret holding this API's token hashes (the verifier reads it). */
  readonly secretName: string;
  /** The plaintext, only when it was generated just now and must be shown to the operator once. */
  readonly generated?: string;
  readonly source: 'environment' | 'generated' | 'stored';
}

/** Where each API's token hashes live, in local mode as in AWS: {"tokens":[{label, sha256, notAfter?}]}. */
export const TOKEN_SECRETS: Readonly<Record<TokenRole, string>> = {
  scim: 'perimeter/scim-tokens',
  admin: 'perimeter/admin-tokens',
  // Read-only tokens for auditors (the audit API and console); none until `token new --auditor`.
  auditor: 'perimeter/auditor-tokens',
};

/**
 * The bearer tokens of local mode, kept as SHA-256 hashes in the secret store (the same shape the
 * AWS deployment keeps in Secrets Manager), so `perimeter token new|retire --local` rotates them with
 * an overlap. A token from the environment is (re)registered at every start; otherwise one is
 * generated on first start and shown once.
 */
export async function resolveLocalTokens(
  secrets: SecretStore,
  fromEnvironment: Partial<Record<TokenRole, string>>,
): Promise<Record<'scim' | 'admin', ResolvedToken>> {
  const result = {} as Record<'scim' | 'admin', ResolvedToken>;
  for (const role of ['scim', 'admin'] as const) {
    const secretName = TOKEN_SECRETS[role];
    const stored = await secrets.getSecretValue(secretName);
    const tokens: HashedToken[] = stored ? parseTokenSecret(stored.value) : [];
    const envLabel = `local-${role}-token-from-environment`;
    const given = fromEnvironment[role];
    if (given !== undefined) {
      if (given.length < 16) throw new Error(`The ${role} token must be at least 16 characters long`);
      const entry = { label: envLabel, sha256: hashToken(given) };
      const others = tokens.filter((token) => token.label !== envLabel);
      if (!tokens.some((token) => token.label === envLabel && token.sha256 === entry.sha256)) {
        await write(secrets, secretName, [...others, entry]);
      }
      result[role] = { secretName, source: 'environment' };
    } else if (tokens.some((token) => token.label !== envLabel && (token.notAfter === undefined || Date.parse(token.notAfter) > Date.now()))) {
      result[role] = { secretName, source: 'stored' };
    } else {
      const token = `prm_${role}_${randomBytes(24).toString('base64url')}`;
      await write(secrets, secretName, [...tokens, { label: `local-${role}-token`, sha256: hashToken(token) }]);
      result[role] = { secretName, generated: token, source: 'generated' };
    }
  }
  return result;
}

async function write(secrets: SecretStore, secretName: string, tokens: readonly HashedToken[]): Promise<void> {
  await secrets.putSecretValue(secretName, JSON.stringify({ tokens }));
}
