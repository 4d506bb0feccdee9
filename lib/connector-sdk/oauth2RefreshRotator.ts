import { parseRetryAfter } from './parseRetryAfter.js';
import type { Credential } from './Credential.js';
import type { CredentialRotator, RotationContext } from './CredentialRotator.js';
import { RotationError } from './RotationError.js';
import { TokenEndpointError } from './TokenEndpointError.js';
import { requestAccessToken } from './requestAccessToken.js';

type OAuth2RefreshCredential = Extract<Credential, { type: 'oauth2-refresh' }>;

const TYPE = 'oauth2-refresh';

/**
 * OAuth 2.0 with a refresh token (RFC 6749 §6). Rotating is refreshing: `create` spends the current
 * refresh token for a new access token and, when the provider rotates refresh tokens (RFC 9700
 * §4.14.2), a new refresh token, which the client must keep and the old one is dead from then on.
 *
 * So `create` is not repeatable on the same current credential: with a rotating provider a second
 * call presents a spent refresh token, gets invalid_grant, and (per the BCP) makes the provider
 * revoke the whole token family, the pending credential's tokens included. After a crash the caller
 * must test and promote the pending credential it already stored, not create again.
 */
export const oauth2RefreshRotator: CredentialRotator<OAuth2RefreshCredential> = {
  type: TYPE,

  async create(current: OAuth2RefreshCredential, context: RotationContext): Promise<OAuth2RefreshCredential> {
    assertType(current);
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: current.refreshToken };
    if (current.scope !== undefined) form.scope = current.scope;
    // §2.3.1: a confidential client authenticates (Basic, which servers MUST support); a public
    // client has no secret and identifies itself with client_id in the body (§3.2.1).
    if (current.clientSecret === undefined) form.client_id = current.clientId;
    let issued;
    try {
      issued = await requestAccessToken(context, {
        tokenUrl: current.tokenUrl,
        form,
        ...(current.clientSecret === undefined ? {} : { basic: { clientId: current.clientId, clientSecret: current.clientSecret } }),
        operation: `${TYPE}: token endpoint`,
      });
    } catch (error) {
      if (error instanceof TokenEndpointError && error.error === 'invalid_grant') {
        throw new RotationError(
          `${TYPE}: the provider rejected the refresh token (invalid_grant): it was revoked, expired or already used; ` +
            'if an earlier rotation stored a pending credential, promote that one, else authorize the connection again',
          { cause: error },
        );
      }
      throw error;
    }
    const { accessToken: _oldToken, expiresAt: _oldExpiry, ...rest } = current;
    return {
      ...rest,
      // §6: "the client MUST discard the old refresh token and replace it with the new" when one is
      // issued; a provider that does not rotate keeps the current one valid.
      refreshToken: issued.refreshToken ?? current.refreshToken,
      accessToken: issued.accessToken,
      ...(issued.expiresAt ? { expiresAt: issued.expiresAt } : {}),
      issuedAt: now(context).toISOString(),
    };
  },

  /**
   * A refresh token cannot be proven without spending it, so the candidate's access token is: it
   * must be there and unexpired, and, given `context.testUrl`, a GET with it must answer 2xx.
   */
  async test(candidate: OAuth2RefreshCredential, context: RotationContext): Promise<void> {
    assertType(candidate);
    if (candidate.accessToken === undefined || candidate.accessToken === '') throw new RotationError(`${TYPE}: the candidate has no access token`);
    if (candidate.expiresAt !== undefined) {
      const expiresAt = Date.parse(candidate.expiresAt);
      if (Number.isNaN(expiresAt)) throw new RotationError(`${TYPE}: the candidate's expiresAt is not a date`);
      if (expiresAt <= now(context).getTime()) throw new RotationError(`${TYPE}: the candidate's access token has expired`);
    }
    if (context.testUrl !== undefined) await probe(context.testUrl, candidate.accessToken, context);
  },

  /**
   * Nothing to do. A rotating provider already invalidated the previous refresh token when `create`
   * spent it; a non-rotating one issued none, so previous and current share one refresh token and
   * revoking it (RFC 7009) would revoke the current credential too. The previous access token
   * expires on its own.
   */
  async retire(previous: OAuth2RefreshCredential, current: OAuth2RefreshCredential): Promise<void> {
    assertType(previous);
    assertType(current);
  },

  accessToken(credential: OAuth2RefreshCredential): { token: string; expiresAt?: string } | undefined {
    if (credential.accessToken === undefined || credential.accessToken === '') return undefined;
    return { token: credential.accessToken, ...(credential.expiresAt === undefined ? {} : { expiresAt: credential.expiresAt }) };
  },
};

/**
 * GET testUrl with the candidate's token; only the status counts (the body is whatever the vendor's
 * "who am I" returns, JSON or not). 401/403 mean the token is refused; 429, 5xx and network errors
 * are retryable.
 */
async function probe(url: string, token: string, context: RotationContext): Promise<void> {
  const operation = `${TYPE}: test request`;
  let response: Response;
  try {
    response = await (context.fetch ?? fetch)(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(context.timeoutMs ?? 10_000),
    });
    await response.arrayBuffer();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new RotationError(`${operation}: ${timedOut ? 'timed out' : 'network error'}`, { cause: error, retryable: true });
  }
  if (response.ok) return;
  const retryable = response.status === 429 || response.status >= 500;
  const refused = response.status === 401 || response.status === 403 ? ': the access token was refused' : '';
  const retryAfterMs = retryable ? parseRetryAfter(response.headers) : undefined;
  throw new RotationError(`${operation}: HTTP ${response.status}${refused}`, { retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

function assertType(credential: Credential): void {
  // The rotator map is keyed by type, but a wrong pairing must not send this credential elsewhere.
  if (credential.type !== TYPE) throw new RotationError(`${TYPE} rotator given a ${String(credential.type)} credential`);
}

function now(context: RotationContext): Date {
  return (context.now ?? (() => new Date()))();
}
