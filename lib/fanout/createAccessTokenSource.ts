import type { SecretStore } from '../ports/SecretStore.js';

/** How long a credential read from the secret store is reused before it is read again. */
const CACHE_MS = 30_000;

/**
 * The `accessToken()` a connector calls: reads the connector's credential from the secret store
 * (a bare token, or {"type":"bearer","token":...}) and caches it briefly, so a rotated credential
 * is picked up within CACHE_MS while fan-out does not read the store on every call.
 */
export function createAccessTokenSource(secrets: SecretStore, secretName: string, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; readAt: number; versionId: string } | undefined;
  return async () => {
    if (cached && now() - cached.readAt < CACHE_MS) return cached.token;
    const secret = await secrets.getSecretValue(secretName);
    if (!secret) throw new Error(`Credential secret "${secretName}" does not exist`);
    cached = { token: parseBearer(secret.value, secretName), readAt: now(), versionId: secret.versionId };
    return cached.token;
  };
}

function parseBearer(value: string, secretName: string): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new Error(`Credential secret "${secretName}" is neither a token nor JSON`, { cause: error });
  }
  const { type, token } = (parsed ?? {}) as { type?: unknown; token?: unknown };
  if (type === 'bearer' && typeof token === 'string' && token !== '') return token;
  throw new Error(`Credential secret "${secretName}" has an unsupported shape (expected {"type":"bearer","token":...})`);
}
