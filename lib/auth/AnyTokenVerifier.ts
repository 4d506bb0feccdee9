import type { TokenIdentity, TokenVerifier } from '../ports/TokenVerifier.js';

/** Accepts a token any of the verifiers accepts (the audit API: auditor tokens and admin tokens). */
export class AnyTokenVerifier implements TokenVerifier {
  public constructor(private readonly verifiers: readonly TokenVerifier[]) {}

  public async verify(token: string): Promise<TokenIdentity | undefined> {
    // All are asked, so the time taken does not reveal which kind of token was presented.
    const results = await Promise.all(this.verifiers.map((verifier) => verifier.verify(token)));
    return results.find((identity) => identity !== undefined);
  }
}
