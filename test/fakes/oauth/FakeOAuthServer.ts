import { randomBytes, randomUUID } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from '../FakeServer.js';

interface RefreshTokenRecord {
  readonly clientId: string;
  readonly family: string;
  /** The scope granted to the family; a refresh may narrow it for the access token only (§6). */
  readonly scope: string;
  state: 'active' | 'used' | 'revoked';
}

interface AccessTokenRecord {
  readonly clientId: string;
  readonly family: string | undefined;
  readonly scope: string;
  expiresAt: number;
  revoked: boolean;
}

type Client = { readonly kind: 'public' } | { readonly kind: 'confidential'; readonly secret: string };

/** Who the request authenticated as, or the error response to send. */
type ClientAuthentication = { readonly clientId: string; readonly confidential: boolean } | { readonly error: FakeResponse };

/**
 * A fake OAuth 2.0 authorization server, built from RFC 6749 and the OAuth 2.0 Security BCP
 * (RFC 9700), with a Microsoft identity platform flavour on its tenant path:
 *
 * - `POST /token` (RFC 6749 §3.2): form-encoded parameters only, none repeated (§3.2); client
 *   authentication with HTTP Basic, id and secret form-urlencoded first (§2.3.1), or client_id and
 *   client_secret in the body, never both (§2.3); a public client sends client_id alone (§3.2.1).
 * - `grant_type=refresh_token` (§6) with refresh token rotation (RFC 9700 §4.14.2): each refresh
 *   token works once; the new one keeps the family's scope; a narrower `scope` applies to the
 *   access token; a token issued to another client is invalid_grant; presenting a rotated-out token
 *   again is invalid_grant and revokes the whole family, refresh and access tokens. Set
 *   `rotateRefreshTokens = false` for a provider that keeps the refresh token (no refresh_token in
 *   the answer).
 * - `grant_type=client_credentials` (§4.4) for confidential clients; no refresh token (§4.4.3).
 * - Answers per §5.1 (`access_token`, `token_type` "Bearer", `expires_in`, Cache-Control no-store)
 *   and §5.2 (400 `{"error", "error_description"}`; 401 with WWW-Authenticate for a failed Basic
 *   authentication).
 * - `POST /{tenant}/oauth2/v2.0/token`: the client credentials flow as the Microsoft identity
 *   platform documents it (client_id, scope ending in "/.default", client_secret,
 *   grant_type=client_credentials; `{"token_type":"Bearer","expires_in":3599,"access_token"}`),
 *   errors in Entra's shape (`error`, `error_description` starting with an AADSTS code,
 *   `error_codes`, `timestamp`, `trace_id`, `correlation_id`); a wrong secret is 401 invalid_client
 *   AADSTS7000215. Secrets are checked by `clientSecretCheck` (e.g. FakeGraphApi's passwords).
 * - `GET /resource`: a protected resource that accepts only issued, unexpired, unrevoked access
 *   tokens, else 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3).
 */
export class FakeOAuthServer extends FakeServer {
  public accessTokenLifetimeSeconds = 3600;
  /** False: a refresh answers without refresh_token and the presented one stays valid. */
  public rotateRefreshTokens = true;
  /** Simulates a provider that echoes what it was sent in error_description. */
  public echoCredentialsInErrors = false;
  /** Secrets the tenant path accepts for client ids not registered here (share state with a fake directory). */
  public clientSecretCheck: ((clientId: string, secret: string) => boolean) | undefined;
  /** Called with each access token issued (e.g. to make a fake API accept it). */
  public onAccessTokenIssued: ((token: string, clientId: string) => void) | undefined;
  /** The clock access tokens expire by. */
  public now: () => number = Date.now;
  /** How many token families were revoked for refresh token reuse. */
  public familyRevocations = 0;
  private readonly clients = new Map<string, Client>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();

  public constructor() {
    super();
    this.route('POST', '/token', (r) => this.token(r, 'rfc'));
    this.route('POST', '/:tenant/oauth2/v2\\.0/token', (r) => this.token(r, 'entra'));
    this.route('GET', '/resource', (r) => this.resource(r));
  }

  public get tokenUrl(): string {
    return `${this.url}/token`;
  }

  public get resourceUrl(): string {
    return `${this.url}/resource`;
  }

  public entraTokenUrl(tenantId: string): string {
    return `${this.url}/${tenantId}/oauth2/v2.0/token`;
  }

  /** A confidential client with this secret, or a public client when there is none. */
  public registerClient(clientId: string, secret?: string): void {
    this.clients.set(clientId, secret === undefined ? { kind: 'public' } : { kind: 'confidential', secret });
  }

  /** The refresh token an authorization grant would have issued: the start of a new family. */
  public issueRefreshToken(clientId: string, scope = 'read write'): string {
    return this.newRefreshToken(clientId, randomUUID(), scope);
  }

  public isRefreshTokenActive(token: string): boolean {
    return this.refreshTokens.get(token)?.state === 'active';
  }

  public isAccessTokenValid(token: string): boolean {
    const record = this.accessTokens.get(token);
    return record !== undefined && !record.revoked && record.expiresAt > this.now();
  }

  /** Every access token issued so far expires now (refresh tokens are unaffected). */
  public expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, this.now() - 1);
  }


  private token(request: FakeRequest, dialect: 'rfc' | 'entra'): FakeResponse {
    const fail = (status: number, error: string, description: string, code = 0, headers: Record<string, string> = {}): FakeResponse =>
      this.tokenError(dialect, status, error, description, code, headers);
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return fail(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded.', 900144);
    }
    const form = new URLSearchParams(request.rawBody);
    const repeated = [...new Set(form.keys())].find((key) => form.getAll(key).length > 1);
    if (repeated) return fail(400, 'invalid_request', `Parameter '${repeated}' is repeated.`, 90015);
    const client = this.authenticate(request, form, dialect);
    if ('error' in client) return client.error;
    const grantType = form.get('grant_type');
    if (grantType === 'client_credentials') {
      if (!client.confidential) return fail(400, 'unauthorized_client', 'A public client may not use the client credentials grant.', 700025);
      const scope = form.get('scope');
      if (dialect === 'entra') {
        if (!scope) return fail(400, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'scope'.", 900144);
        if (!scope.endsWith('/.default')) {
          return fail(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, 1002012);
        }
      }
      const expiresIn = dialect === 'entra' ? this.accessTokenLifetimeSeconds - 1 : this.accessTokenLifetimeSeconds;
      return this.tokenResponse({ token_type: 'Bearer', expires_in: expiresIn, ...(dialect === 'entra' ? { ext_expires_in: expiresIn } : {}), access_token: this.newAccessToken(client.clientId, undefined, scope ?? '') });
    }
    if (grantType === 'refresh_token' && dialect === 'rfc') return this.refresh(form, client.clientId, fail);
    return fail(400, 'unsupported_grant_type', `The grant type is not supported${this.echo(grantType ?? '')}.`, 70003);
  }

  private refresh(form: URLSearchParams, clientId: string, fail: (status: number, error: string, description: string) => FakeResponse): FakeResponse {
    const presented = form.get('refresh_token');
    if (!presented) return fail(400, 'invalid_request', 'Missing refresh_token.');
    const record = this.refreshTokens.get(presented);
    const rejected = (why: string): FakeResponse => fail(400, 'invalid_grant', `${why}${this.echo(presented)}.`);
    if (!record) return rejected('The refresh token is invalid');
    if (record.clientId !== clientId) return rejected('The refresh token was issued to another client');
    if (record.state === 'used') {
      // RFC 9700 §4.14.2: one of the two parties holding this token is an attacker; the server
      // cannot tell which, so the whole family goes.
      this.revokeFamily(record.family);
      return rejected('The refresh token was already used; the token family is revoked');
    }
    if (record.state === 'revoked') return rejected('The refresh token was revoked');
    const requested = form.get('scope');
    const granted = record.scope.split(' ').filter(Boolean);
    if (requested !== null && requested.split(' ').some((scope) => scope !== '' && !granted.includes(scope))) {
      return fail(400, 'invalid_scope', 'The requested scope exceeds the scope granted by the resource owner.');
    }
    const accessToken = this.newAccessToken(clientId, record.family, requested ?? record.scope);
    if (!this.rotateRefreshTokens) return this.tokenResponse({ access_token: accessToken, token_type: 'Bearer', expires_in: this.accessTokenLifetimeSeconds });
    record.state = 'used';
    // §6: a new refresh token has the scope of the one presented.
    const refreshToken = this.newRefreshToken(clientId, record.family, record.scope);
    return this.tokenResponse({ access_token: accessToken, token_type: 'Bearer', expires_in: this.accessTokenLifetimeSeconds, refresh_token: refreshToken, scope: requested ?? record.scope });
  }

  /** RFC 6749 §2.3: Basic or the body, not both; a public client identifies itself by client_id. */
  private authenticate(request: FakeRequest, form: URLSearchParams, dialect: 'rfc' | 'entra'): ClientAuthentication {
    const authorization = String(request.headers.authorization ?? '');
    const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
    const fail = (status: number, error: string, description: string, code: number, headers: Record<string, string> = {}): ClientAuthentication => ({
      error: this.tokenError(dialect, status, error, description, code, headers),
    });
    if (basic !== undefined) {
      if (form.has('client_secret')) return fail(400, 'invalid_request', 'The client used more than one authentication method.', 90015);
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const challenge = { 'www-authenticate': 'Basic realm="fake-oauth"' };
      if (colon < 0) return fail(401, 'invalid_client', 'Malformed Basic credentials.', 7000215, challenge);
      let clientId: string;
      let secret: string;
      try {
        clientId = formDecode(decoded.slice(0, colon));
        secret = formDecode(decoded.slice(colon + 1));
      } catch {
        return fail(401, 'invalid_client', 'Malformed Basic credentials.', 7000215, challenge);
      }
      if (form.has('client_id') && form.get('client_id') !== clientId) return fail(400, 'invalid_request', 'client_id does not match the authenticated client.', 90015);
      return this.checkSecret(clientId, secret) ? { clientId, confidential: true } : fail(401, 'invalid_client', this.badSecret(secret), 7000215, challenge);
    }
    const clientId = form.get('client_id');
    if (!clientId) return fail(401, 'invalid_client', 'No client authentication included.', 7000218);
    const secret = form.get('client_secret');
    if (secret === null) {
      if (this.clients.get(clientId)?.kind === 'public') return { clientId, confidential: false };
      return fail(401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218);
    }
    return this.checkSecret(clientId, secret) ? { clientId, confidential: true } : fail(401, 'invalid_client', this.badSecret(secret), 7000215);
  }

  private checkSecret(clientId: string, secret: string): boolean {
    const client = this.clients.get(clientId);
    if (client) return client.kind === 'confidential' && client.secret === secret;
    return this.clientSecretCheck?.(clientId, secret) ?? false;
  }

  private badSecret(secret: string): string {
    return `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID${this.echo(secret)}.`;
  }

  private resource(request: FakeRequest): FakeResponse {
    const token = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    const record = token === undefined ? undefined : this.accessTokens.get(token);
    if (token === undefined || !record || !this.isAccessTokenValid(token)) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer realm="fake-oauth", error="invalid_token"' }, body: { error: 'invalid_token' } };
    }
    return { status: 200, body: { clientId: record.clientId, scope: record.scope } };
  }

  private revokeFamily(family: string): void {
    this.familyRevocations++;
    for (const record of this.refreshTokens.values()) if (record.family === family) record.state = 'revoked';
    for (const record of this.accessTokens.values()) if (record.family === family) record.revoked = true;
  }

  private newRefreshToken(clientId: string, family: string, scope: string): string {
    const token = `rt_${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(token, { clientId, family, scope, state: 'active' });
    return token;
  }

  private newAccessToken(clientId: string, family: string | undefined, scope: string): string {
    const token = `at_${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, { clientId, family, scope, expiresAt: this.now() + this.accessTokenLifetimeSeconds * 1000, revoked: false });
    this.onAccessTokenIssued?.(token, clientId);
    return token;
  }

  /** §5.1: tokens are never cached. */
  private tokenResponse(body: Record<string, unknown>): FakeResponse {
    return { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body };
  }

  private tokenError(dialect: 'rfc' | 'entra', status: number, error: string, description: string, code: number, headers: Record<string, string>): FakeResponse {
    if (dialect === 'rfc') return { status, headers: { 'cache-control': 'no-store', ...headers }, body: { error, error_description: description.replace(/^AADSTS\d+: /, '') } };
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(this.now()).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
    const text = description.startsWith('AADSTS') ? description : `AADSTS${code}: ${description}`;
    return {
      status,
      headers,
      body: {
        error,
        error_description: `${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${code}`,
      },
    };
  }

  private echo(value: string): string {
    return this.echoCredentialsInErrors ? ` (${value})` : '';
  }
}

/** application/x-www-form-urlencoded decoding of one value ("+" is a space). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
