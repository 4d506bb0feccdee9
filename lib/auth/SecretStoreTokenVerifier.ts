import type { SecretStore } from '../ports/SecretStore.js';
import type { TokenIdentity, TokenVerifier } from '../ports/TokenVerifier.js';
import type { HashedToken } from './HashedToken.js';
import { matchHashedToken } from './matchHashedToken.js';
import { parseTokenSecret } from './parseTokenSecret.js';

export interface SecretStoreTokenVerifierOptions {
  readonly secrets: SecretStore;
  /** A secret whose value is {"tokens":[{"label","sha256","notAfter"?}]}. */
  readonly secretName: string;
  /** How long the hashes are reused; a token added or retired takes effect within this. */
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

/**
 * Verifies bearer tokens against SHA-256 hashes kept in the secret store (Secrets Manager in AWS,
 * the local encrypted store locally). The secret holds only hashes, so it can list the old and the
 * new token during a rotation overlap (the old one with a `notAfter`) without exposing either.
 */
export class SecretStoreTokenVerifier implements TokenVerifier {
  private cache: { tokens: readonly HashedToken[]; fetchedAt: number } | undefined;
  private inFlight: Promise<readonly HashedToken[]> | undefined;
  private readonly ttl: number;
  private readonly now: () => number;

  public constructor(private readonly options: SecretStoreTokenVerifierOptions) {
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
    const secret = await this.options.secrets.getSecretValue(this.options.secretName);
    const tokens = secret ? parseTokenSecret(secret.value) : [];
    this.cache = { tokens, fetchedAt: this.now() };
    return tokens;
  }
}
