import type { TokenIdentity, TokenVerifier } from '../ports/TokenVerifier.js';
import type { HashedToken } from './HashedToken.js';
import { matchHashedToken } from './matchHashedToken.js';

/** Verifies against a fixed list of hashed tokens (local mode, tests). */
export class StaticTokenVerifier implements TokenVerifier {
  public constructor(private readonly tokens: readonly HashedToken[]) {}

  public async verify(token: string): Promise<TokenIdentity | undefined> {
    return matchHashedToken(token, this.tokens);
  }
}
