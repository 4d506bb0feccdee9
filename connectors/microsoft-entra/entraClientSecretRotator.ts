import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { requestJson } from '../../lib/connector-sdk/requestJson.js';
import type { Credential } from '../../lib/connector-sdk/Credential.js';
import type { CredentialRotator, RotationContext } from '../../lib/connector-sdk/CredentialRotator.js';
import { RotationError } from '../../lib/connector-sdk/RotationError.js';
import { TokenEndpointError } from '../../lib/connector-sdk/TokenEndpointError.js';
import { type AccessTokenResponse, requestAccessToken } from '../../lib/connector-sdk/requestAccessToken.js';
import { toRotationError } from '../../lib/connector-sdk/toRotationError.js';

type EntraClientSecretCredential = Extract<Credential, { type: 'entra-client-secret' }>;

const TYPE = 'entra-client-secret';
const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
/** Client credentials need the resource's "/.default" scope (Microsoft identity platform docs). */
const DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** How long a new secret lives; the next scheduled rotation replaces it well before. */
const SECRET_LIFETIME_DAYS = 180;
/**
 * Waits before each new attempt to get a token with a just-added secret. Entra accepts a new
 * password only once it has propagated, which people report taking 4 to 18 seconds and Microsoft
 * gives no bound for; these add up to about a minute.
 */
const PROPAGATION_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000] as const;

/**
 * A Microsoft Entra ID app registration's client secret. Access tokens come from the client
 * credentials grant (Microsoft identity platform, "OAuth 2.0 client credentials flow": POST
 * /{tenant}/oauth2/v2.0/token with client_id, scope, client_secret, grant_type=client_credentials).
 * Rotation uses Microsoft Graph "application: addPassword" to add the next secret (200 with a
 * passwordCredential whose secretText is shown only then) and "application: removePassword" (by
 * keyId, 204) to remove the previous one, each authorised by a token from the app's own secret,
 * which needs Application.ReadWrite.OwnedBy (the app owning itself) or Application.ReadWrite.All.
 */
export const entraClientSecretRotator: CredentialRotator<EntraClientSecretCredential> = {
  type: TYPE,

  /**
   * Adds a password with the current secret's token and returns it with a token obtained with it.
   * Once addPassword has answered, this never throws: the secretText cannot be read again, so
   * losing it would leave a live secret nobody holds. If the new secret is still not accepted after
   * the propagation retries, the credential is returned without an access token and `test` (run
   * again later by the caller) proves it.
   */
  async create(current: EntraClientSecretCredential, context: RotationContext): Promise<EntraClientSecretCredential> {
    assertType(current);
    let token: AccessTokenResponse;
    try {
      token = await clientCredentialsToken(current, current.clientSecret, context);
    } catch (error) {
      if (error instanceof TokenEndpointError && error.error === 'invalid_client') {
        throw new RotationError(`${TYPE}: the current client secret was rejected (invalid_client); it was removed or has expired, so add a secret by hand`, {
          cause: error,
        });
      }
      throw error;
    }
    const created = now(context);
    const endDateTime = new Date(created.getTime() + SECRET_LIFETIME_DAYS * 86_400_000).toISOString();
    let response;
    try {
      // Not repeatable: a 5xx after Graph added the password leaves that password unused; it
      // expires at its endDateTime (and its displayName says where it came from).
      response = await requestJson(graphContext(token.accessToken, context), {
        method: 'POST',
        url: `${graphBaseUrl(current)}/applications/${encodeURIComponent(current.applicationObjectId)}/addPassword`,
        body: { passwordCredential: { displayName: `perimeter ${created.toISOString()}`, endDateTime } },
        operation: `${TYPE}: graph addPassword`,
      });
    } catch (error) {
      throw toRotationError(error, `${TYPE}: graph addPassword`);
    }
    const password = readPasswordCredential(response.body);
    const { accessToken: _oldToken, expiresAt: _oldExpiry, ...rest } = current;
    const next: EntraClientSecretCredential = { ...rest, clientSecret: password.secretText, secretKeyId: password.keyId, issuedAt: created.toISOString() };
    const fresh = await tokenOnceAccepted(next, context);
    return fresh ? { ...next, accessToken: fresh.accessToken, ...(fresh.expiresAt ? { expiresAt: fresh.expiresAt } : {}) } : next;
  },

  /** Proves the candidate's secret: the token endpoint issues a token for it. */
  async test(candidate: EntraClientSecretCredential, context: RotationContext): Promise<void> {
    assertType(candidate);
    try {
      await clientCredentialsToken(candidate, candidate.clientSecret, context);
    } catch (error) {
      if (error instanceof TokenEndpointError && error.error === 'invalid_client') {
        // A secret added moments ago may not have propagated yet: worth trying again later.
        throw new RotationError(`${TYPE}: the candidate's client secret was not accepted (invalid_client); a new secret can take a minute to propagate`, {
          cause: error,
          retryable: true,
        });
      }
      throw error;
    }
  },

  /**
   * Removes the previous secret (Graph "application: removePassword" with its keyId) using a token
   * from the current one. Safe to re-run: a keyId the application no longer has is already retired.
   */
  async retire(previous: EntraClientSecretCredential, current: EntraClientSecretCredential, context: RotationContext): Promise<void> {
    assertType(previous);
    assertType(current);
    // Removing the keyId the current credential uses would lock the connector out.
    if (previous.secretKeyId === current.secretKeyId) return;
    if (previous.applicationObjectId !== current.applicationObjectId) {
      throw new RotationError(`${TYPE}: the previous and current credentials name different applications; not removing anything`);
    }
    const token = await clientCredentialsToken(current, current.clientSecret, context);
    const application = `${graphBaseUrl(current)}/applications/${encodeURIComponent(current.applicationObjectId)}`;
    const graph = graphContext(token.accessToken, context);
    let response;
    try {
      response = await requestJson(graph, {
        method: 'POST',
        url: `${application}/removePassword`,
        body: { keyId: previous.secretKeyId },
        accept: [400, 404],
        operation: `${TYPE}: graph removePassword`,
      });
    } catch (error) {
      throw toRotationError(error, `${TYPE}: graph removePassword`);
    }
    if (response.status < 300) return;
    // Graph's documentation gives no error for an unknown keyId; rather than match a message, ask
    // the application which passwords it has. Gone is what retiring wanted.
    if (await hasPassword(graph, application, previous.secretKeyId)) {
      throw new RotationError(`${TYPE}: graph removePassword: HTTP ${response.status} and the previous password is still there`);
    }
  },

  /** Client credentials: a new access token from the current secret, nothing rotated. */
  async renew(credential: EntraClientSecretCredential, context: RotationContext): Promise<{ token: string; expiresAt?: string }> {
    assertType(credential);
    const token = await clientCredentialsToken(credential, credential.clientSecret, context);
    return { token: token.accessToken, ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}) };
  },

  accessToken(credential: EntraClientSecretCredential): { token: string; expiresAt?: string } | undefined {
    if (credential.accessToken === undefined || credential.accessToken === '') return undefined;
    return { token: credential.accessToken, ...(credential.expiresAt === undefined ? {} : { expiresAt: credential.expiresAt }) };
  },
};

/** Client credentials grant at the tenant's v2.0 token endpoint, the secret in the body as documented. */
function clientCredentialsToken(credential: EntraClientSecretCredential, clientSecret: string, context: RotationContext): Promise<AccessTokenResponse> {
  return requestAccessToken(context, {
    tokenUrl: credential.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(credential.tenantId)}/oauth2/v2.0/token`,
    form: { client_id: credential.clientId, scope: credential.scope ?? DEFAULT_SCOPE, client_secret: clientSecret, grant_type: 'client_credentials' },
    operation: `${TYPE}: token endpoint`,
  });
}

/**
 * A token with a just-added secret, retried while Entra has not propagated it (invalid_client) or
 * is briefly unavailable; undefined when it never came (see `create`).
 */
async function tokenOnceAccepted(credential: EntraClientSecretCredential, context: RotationContext): Promise<AccessTokenResponse | undefined> {
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await clientCredentialsToken(credential, credential.clientSecret, context);
    } catch (error) {
      const worthRetrying = (error instanceof TokenEndpointError && error.error === 'invalid_client') || (error instanceof RotationError && error.retryable);
      const delay = PROPAGATION_DELAYS_MS[attempt];
      if (!worthRetrying || delay === undefined) return undefined;
      await sleep(error instanceof RotationError && error.retryAfterMs !== undefined ? Math.max(delay, error.retryAfterMs) : delay);
    }
  }
}

/** Graph's passwordCredential answer to addPassword: a keyId (GUID) and the secretText. */
function readPasswordCredential(body: unknown): { keyId: string; secretText: string } {
  const { keyId, secretText } = (typeof body === 'object' && body !== null ? body : {}) as { keyId?: unknown; secretText?: unknown };
  if (typeof keyId !== 'string' || keyId === '' || typeof secretText !== 'string' || secretText === '') {
    throw new RotationError(`${TYPE}: graph addPassword: malformed response (no keyId or secretText); a password may have been added, check the application`);
  }
  return { keyId, secretText };
}

async function hasPassword(graph: ConnectorContext, application: string, keyId: string): Promise<boolean> {
  let response;
  try {
    response = await requestJson<{ passwordCredentials?: { keyId?: unknown }[] }>(graph, {
      method: 'GET',
      url: `${application}?$select=passwordCredentials`,
      operation: `${TYPE}: graph get application`,
    });
  } catch (error) {
    throw toRotationError(error, `${TYPE}: graph get application`);
  }
  const passwords = response.body?.passwordCredentials;
  if (!Array.isArray(passwords)) throw new RotationError(`${TYPE}: graph get application: malformed response (no passwordCredentials)`);
  return passwords.some((password) => typeof password?.keyId === 'string' && password.keyId.toLowerCase() === keyId.toLowerCase());
}

function graphContext(accessToken: string, context: RotationContext): ConnectorContext {
  return { accessToken: async () => accessToken, ...(context.fetch ? { fetch: context.fetch } : {}), ...(context.timeoutMs ? { timeoutMs: context.timeoutMs } : {}) };
}

function graphBaseUrl(credential: EntraClientSecretCredential): string {
  return (credential.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
}

function assertType(credential: Credential): void {
  if (credential.type !== TYPE) throw new RotationError(`${TYPE} rotator given a ${String(credential.type)} credential`);
}

function now(context: RotationContext): Date {
  return (context.now ?? (() => new Date()))();
}
