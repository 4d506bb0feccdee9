import { requestJson } from './requestJson.js';
import type { RotationContext } from './CredentialRotator.js';
import { RotationError } from './RotationError.js';
import { TokenEndpointError } from './TokenEndpointError.js';
import { toRotationError } from './toRotationError.js';

export interface AccessTokenRequest {
  readonly tokenUrl: string;
  /** The grant's parameters (grant_type, refresh_token, scope, client_id, ...). */
  readonly form: Readonly<Record<string, string>>;
  /** Client authentication with HTTP Basic (RFC 6749 §2.3.1) instead of the body. */
  readonly basic?: { readonly clientId: string; readonly clientSecret: string };
  /** Names the call in error messages, e.g. "oauth2-refresh: token endpoint". */
  readonly operation: string;
}

export interface AccessTokenResponse {
  readonly accessToken: string;
  /** From expires_in; undefined when the provider did not say (RFC 6749 §5.1: RECOMMENDED). */
  readonly expiresAt?: string;
  /** Present only when the provider issued one (RFC 6749 §6: it MAY rotate the refresh token). */
  readonly refreshToken?: string;
}

/** RFC 6749 §5.2's codes, and the two §4.1.2.1 ones some providers also send from the token endpoint. */
const KNOWN_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
]);

/** The provider is having a moment, not refusing: running the step again later can succeed. */
const TRANSIENT_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

const REASONS: Readonly<Record<string, string>> = {
  invalid_request: 'the request was malformed',
  invalid_client: 'client authentication failed',
  invalid_grant: 'the grant was rejected',
  unauthorized_client: 'the client may not use this grant type',
  unsupported_grant_type: 'the grant type is not supported',
  invalid_scope: 'the scope was rejected',
  server_error: 'the provider failed',
  temporarily_unavailable: 'the provider is temporarily unavailable',
};

/**
 * One POST to an OAuth 2.0 token endpoint: form-encoded parameters (RFC 6749 §4.4.2, §6), client
 * authentication in the body or with HTTP Basic (§2.3.1), the success response read per §5.1 and
 * the error response per §5.2. Failures are RotationErrors whose messages name the operation, the
 * status and the RFC error code only: never a parameter, never error_description (providers echo
 * input there), never the response body.
 */
export async function requestAccessToken(context: RotationContext, request: AccessTokenRequest): Promise<AccessTokenResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (request.basic) {
    // §2.3.1: id and secret are each form-urlencoded (Appendix B) before joining with ":", so a ":"
    // or "+" in either survives the server's decoding.
    const userPass = `${formEncode(request.basic.clientId)}:${formEncode(request.basic.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
  }
  let response: { status: number; body: unknown };
  try {
    response = await requestJson(
      { accessToken: noBearerToken, ...(context.fetch ? { fetch: context.fetch } : {}), ...(context.timeoutMs ? { timeoutMs: context.timeoutMs } : {}) },
      {
        method: 'POST',
        url: request.tokenUrl,
        rawBody: new URLSearchParams(request.form).toString(),
        headers,
        anonymous: true,
        // §5.2's error responses are 400 (401 for invalid_client); read them here for the code.
        // 429, 5xx, resets, timeouts and non-JSON bodies stay requestJson's retryable errors: even
        // for a rotating provider a retry is never worse, since a refresh the provider completed
        // but whose answer was lost has already spent the refresh token either way.
        accept: [400, 401],
        operation: request.operation,
      },
    );
  } catch (error) {
    throw toRotationError(error, request.operation);
  }
  if (response.status === 400 || response.status === 401) throw errorResponse(request.operation, response.status, response.body);
  return successResponse(request.operation, response.body, (context.now ?? (() => new Date()))());
}

function errorResponse(operation: string, status: number, body: unknown): TokenEndpointError {
  const raw = isRecord(body) ? body.error : undefined;
  const code = typeof raw === 'string' && KNOWN_ERRORS.has(raw) ? raw : 'unrecognised';
  const reason = REASONS[code] ?? 'the request was refused';
  return new TokenEndpointError(`${operation}: HTTP ${status} ${code} (${reason})`, code, status, { retryable: TRANSIENT_ERRORS.has(code) });
}

function successResponse(operation: string, body: unknown, now: Date): AccessTokenResponse {
  // A 200 that does not hold a usable token is a provider contract problem; retrying will not fix it.
  const malformed = (what: string): RotationError => new RotationError(`${operation}: malformed token response (${what})`);
  if (!isRecord(body)) throw malformed('not a JSON object');
  const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, refresh_token: refreshToken } = body;
  if (typeof accessToken !== 'string' || accessToken === '') throw malformed('no access_token');
  // §5.1 makes token_type REQUIRED, but some providers omit it; what is sent is always a Bearer
  // header (RFC 6750), so only a token of another type is refused.
  if (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')) throw malformed('token_type is not Bearer');
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) throw malformed('refresh_token is not a string');
  let expiresAt: string | undefined;
  if (expiresIn !== undefined) {
    // A JSON number per §5.1; Entra's v1 endpoint and some others send the number as a string.
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) throw malformed('expires_in is not a positive number');
    expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
  }
  return { accessToken, ...(expiresAt ? { expiresAt } : {}), ...(refreshToken ? { refreshToken } : {}) };
}

/** application/x-www-form-urlencoded for one value (RFC 6749 Appendix B), as URLSearchParams does it. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Token endpoints authenticate the client, not a bearer token; requestJson is told `anonymous`. */
async function noBearerToken(): Promise<string> {
  throw new Error('a token endpoint request carries no bearer token');
}
