import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HashedToken } from '../../auth/HashedToken.js';
import { matchHashedToken } from '../../auth/matchHashedToken.js';
import type { TokenIdentity, TokenVerifier } from '../../ports/TokenVerifier.js';

export interface SecretsManagerTokenVerifierOptions {
  /** ARN or name of a secret whose value is {"tokens":[{"label","sha256","notAfter"?}]}. */
  readonly secretId: string;
  readonly client?: SecretsManagerClient;
  /** How long fetched hashes are reused; a rotation is visible after at most this long. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

/**
 * Verifies bearer tokens against SHA-256 hashes kept in AWS Secrets Manager. The secret holds only
 * hashes, so it can list the old and the new token during a rotation overlap without exposing either.
 */
export class SecretsManagerTokenVerifier implements TokenVerifier {
  private readonly client: SecretsManagerClient;
  private readonly ttl: number;
  private readonly now: () => number;
  private cache: { tokens: readonly HashedToken[]; fetchedAt: number } | undefined;
  private inFlight: Promise<readonly HashedToken[]> | undefined;

  public constructor(private readonly options: SecretsManagerTokenVerifierOptions) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.ttl = options.cacheTtlMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  public async verify(token: string): Promise<TokenIdentity | undefined> {
    return matchHashedToken(token, await this.tokens(), new Date(this.now()));
  }

  private async tokens(): Promise<readonly HashedToken[]> {
    if (this.cache && this.now() - this.cache.fetchedAt < this.ttl) return this.cache.tokens;
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<readonly HashedToken[]> {
    const result = await this.client.send(new GetSecretValueCommand({ SecretId: this.options.secretId }));
    const tokens = parseTokenSecret(result.SecretString);
    this.cache = { tokens, fetchedAt: this.now() };
    return tokens;
  }
}

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
