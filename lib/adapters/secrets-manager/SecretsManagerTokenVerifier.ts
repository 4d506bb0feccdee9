import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { HashedToken } from '../../auth/HashedToken.js';
import { matchHashedToken } from '../../auth/matchHashedToken.js';
import type { TokenIdentity, TokenVerifier } from '../../ports/TokenVerifier.js';
import { parseTokenSecret } from './parseTokenSecret.js';

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
