import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HashedToken } from '../lib/auth/HashedToken.js';
import { hashToken } from '../lib/auth/hashToken.js';

export type TokenRole = 'scim' | 'admin';

export interface ResolvedToken {
  readonly hashed: HashedToken;
  /** The plaintext, only when it was generated just now and must be shown to the operator once. */
  readonly generated?: string;
  readonly source: 'environment' | 'generated' | 'stored';
}

const FILE = 'tokens.json';

/**
 * The bearer token for each API in local mode: from the environment when set; otherwise generated
 * on first start, shown once, and kept only as a SHA-256 hash in the data directory (mode 0600), so
 * restarts keep accepting it and the data directory never holds a usable token.
 */
export async function resolveLocalTokens(
  dataDir: string,
  fromEnvironment: Partial<Record<TokenRole, string>>,
): Promise<Record<TokenRole, ResolvedToken>> {
  const path = join(dataDir, FILE);
  const stored = await readStored(path);
  const result = {} as Record<TokenRole, ResolvedToken>;
  let changed = false;
  for (const role of ['scim', 'admin'] as const) {
    const label = `local-${role}-token`;
    const given = fromEnvironment[role];
    if (given !== undefined) {
      if (given.length < 16) throw new Error(`The ${role} token must be at least 16 characters long`);
      result[role] = { hashed: { label, sha256: hashToken(given) }, source: 'environment' };
    } else if (stored[role]) {
      result[role] = { hashed: stored[role], source: 'stored' };
    } else {
      const token = `prm_${role}_${randomBytes(24).toString('base64url')}`;
      stored[role] = { label, sha256: hashToken(token) };
      result[role] = { hashed: stored[role], generated: token, source: 'generated' };
      changed = true;
    }
  }
  if (changed) await writeFile(path, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  return result;
}

async function readStored(path: string): Promise<Partial<Record<TokenRole, HashedToken>>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Partial<Record<TokenRole, HashedToken>>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`Cannot read ${path}; delete it to generate new tokens`, { cause: error });
  }
}
