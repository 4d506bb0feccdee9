import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../../lib/connector-sdk/Credential.js';
import type { RotationContext } from '../../../lib/connector-sdk/CredentialRotator.js';
import { RotationError } from '../../../lib/connector-sdk/RotationError.js';
import { entraClientSecretRotator } from '../../../connectors/microsoft-entra/entraClientSecretRotator.js';
import type { FakeRequest } from '../../fakes/FakeServer.js';
import { FakeGraphApi, type FakeGraphApplication, type FakeGraphPassword } from '../../fakes/entra/FakeGraphApi.js';
import { FakeOAuthServer } from '../../fakes/oauth/FakeOAuthServer.js';
import { expectSecretFree } from '../../support/expectSecretFree.js';
import { rejection } from '../../support/rejection.js';

type EntraCredential = Extract<Credential, { type: 'entra-client-secret' }>;

const TENANT = '11111111-2222-3333-4444-555555555555';
const NOW = new Date('2030-01-01T00:00:00.000Z');

let oauth: FakeOAuthServer;
let graph: FakeGraphApi;
let app: FakeGraphApplication;
let first: FakeGraphPassword;
let current: EntraCredential;
/** Access tokens in the order the token endpoint issued them. */
let issued: string[];
let sleeps: number[];
let context: RotationContext;

beforeEach(async () => {
  oauth = await new FakeOAuthServer().start();
  graph = await new FakeGraphApi().start();
  // The two fakes share the directory: the token endpoint accepts the application's passwords, and
  // Graph accepts the tokens the token endpoint issued (and nothing else).
  oauth.clientSecretCheck = (clientId, secret) => graph.acceptsClientSecret(clientId, secret);
  issued = [];
  graph.validTokens.add('no-token-issued-yet');
  oauth.onAccessTokenIssued = (token) => {
    issued.push(token);
    graph.validTokens.add(token);
  };
  app = graph.addApplication();
  first = graph.addApplicationPassword(app.id, { displayName: 'set up by hand' });
  current = {
    type: 'entra-client-secret',
    tenantId: TENANT,
    clientId: app.appId,
    applicationObjectId: app.id,
    clientSecret: first.secretText,
    secretKeyId: first.keyId,
    tokenUrl: oauth.entraTokenUrl(TENANT),
    graphBaseUrl: graph.graphBaseUrl,
  };
  sleeps = [];
  context = { now: () => NOW, timeoutMs: 2_000, sleep: async (ms) => void sleeps.push(ms) };
});

afterEach(async () => {
  await Promise.all([oauth.stop(), graph.stop()]);
});

const tokenRequests = (): FakeRequest[] => oauth.requests.filter((request) => request.path === `/${TENANT}/oauth2/v2.0/token`);
const graphRequests = (suffix: string): FakeRequest[] => graph.requests.filter((request) => request.path.endsWith(suffix));
const formOf = (request: FakeRequest | undefined): Record<string, string> => Object.fromEntries(new URLSearchParams(request?.rawBody ?? ''));

const failure = (promise: Promise<unknown>): Promise<RotationError> => rejection(promise, RotationError);

describe('entra-client-secret rotator: create', () => {
  it('gets a token with the current secret, adds a password, and returns it with a token from the new secret', async () => {
    // Act
    const next = await entraClientSecretRotator.create(current, context);

    // Assess
    const [before, after] = tokenRequests();
    expect(formOf(before)).toEqual({ client_id: app.appId, scope: 'https://graph.microsoft.com/.default', client_secret: first.secretText, grant_type: 'client_credentials' });
    expect(before?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const [added] = graphRequests('/addPassword');
    expect(added?.path).toBe(`/v1.0/applications/${app.id}/addPassword`);
    expect(added?.headers.authorization).toBe(`Bearer ${issued[0]}`);
    expect(added?.body).toEqual({ passwordCredential: { displayName: 'perimeter 2030-01-01T00:00:00.000Z', endDateTime: '2030-06-30T00:00:00.000Z' } });
    const newPassword = app.passwords[1];
    expect(next).toEqual({
      ...current,
      clientSecret: newPassword?.secretText,
      secretKeyId: newPassword?.keyId,
      accessToken: issued[1],
      expiresAt: '2030-01-01T00:59:59.000Z',
      issuedAt: NOW.toISOString(),
    });
    expect(formOf(after).client_secret).toBe(next.clientSecret);
    expect(graph.passwordKeyIds(app.id)).toEqual([first.keyId, next.secretKeyId]);
    expect(sleeps).toEqual([]);
  });

  it('retries the new secret while Entra propagates it, waiting the injected delays', async () => {
    // Prepare
    graph.passwordPropagationChecks = 3;

    // Act
    const next = await entraClientSecretRotator.create(current, context);

    // Assess
    expect(sleeps).toEqual([1_000, 2_000, 4_000]);
    expect(tokenRequests().slice(1).map((request) => formOf(request).client_secret)).toEqual(Array(4).fill(next.clientSecret));
    expect(next.accessToken).toBe(issued.at(-1));
  });

  it('returns the new secret without an access token when it never propagates, and test later asks to retry', async () => {
    // Prepare
    graph.passwordPropagationChecks = 1_000;

    // Act
    const next = await entraClientSecretRotator.create(current, context);
    const notYet = await failure(entraClientSecretRotator.test(next, context));
    (app.passwords[1] as FakeGraphPassword).uncheckedPropagations = 0;
    const propagated = entraClientSecretRotator.test(next, context);

    // Assess
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 15_000, 30_000]);
    expect(next.secretKeyId).toBe(app.passwords[1]?.keyId);
    expect(next).not.toHaveProperty('accessToken');
    expect(next).not.toHaveProperty('expiresAt');
    expect(entraClientSecretRotator.accessToken(next)).toBeUndefined();
    expect(notYet.retryable).toBe(true);
    expect(notYet.message).toMatch(/candidate's client secret was not accepted \(invalid_client\)/);
    await expect(propagated).resolves.toBeUndefined();
    expectSecretFree(notYet, [next.clientSecret, first.secretText]);
  });

  it("waits at least the token endpoint's Retry-After while getting the new secret's token", async () => {
    // Prepare: while the current secret's token request is handled, throttle the request after it.
    const check = oauth.clientSecretCheck;
    let throttled = false;
    oauth.clientSecretCheck = (clientId, secret) => {
      if (!throttled) oauth.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '5' } });
      throttled = true;
      return check?.(clientId, secret) ?? false;
    };

    // Act
    const next = await entraClientSecretRotator.create(current, context);

    // Assess
    expect(sleeps).toEqual([5_000]);
    expect(next.accessToken).toBe(issued.at(-1));
  });

  it('refuses to rotate when the current secret is rejected, and adds no password', async () => {
    // Prepare
    oauth.echoCredentialsInErrors = true;
    const revoked = { ...current, clientSecret: 'abc8Q~the-current-secret-was-removed' };

    // Act
    const error = await failure(entraClientSecretRotator.create(revoked, context));

    // Assess
    expect(error.message).toBe('entra-client-secret: the current client secret was rejected (invalid_client); it was removed or has expired, so add a secret by hand');
    expect(error.retryable).toBe(false);
    expect(graphRequests('/addPassword')).toHaveLength(0);
    expect(graph.passwordKeyIds(app.id)).toEqual([first.keyId]);
    expectSecretFree(error, [revoked.clientSecret, first.secretText]);
  });

  it('turns a throttled addPassword into a retryable error with its Retry-After, and a 403 into a final one', async () => {
    // Prepare
    graph.throttle({ retryAfterSeconds: 4 });

    // Act
    const throttled = await failure(entraClientSecretRotator.create(current, context));
    graph.injectFault({ kind: 'status', status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } });
    const denied = await failure(entraClientSecretRotator.create(current, context));

    // Assess
    expect(throttled).toMatchObject({ message: 'entra-client-secret: graph addPassword: HTTP 429', retryable: true, retryAfterMs: 4000 });
    expect(denied).toMatchObject({ message: 'entra-client-secret: graph addPassword: HTTP 403', retryable: false });
    expect(graph.passwordKeyIds(app.id)).toEqual([first.keyId]);
  });

  it('turns a failing token endpoint into a retryable error before anything is added', async () => {
    // Prepare
    oauth.injectFault({ kind: 'status', status: 503, headers: { 'retry-after': '2' } });

    // Act
    const error = await failure(entraClientSecretRotator.create(current, context));

    // Assess
    expect(error).toMatchObject({ message: 'entra-client-secret: token endpoint: HTTP 503', retryable: true, retryAfterMs: 2000 });
    expect(graphRequests('/addPassword')).toHaveLength(0);
  });

  it('says a password may have been added when addPassword answers without a secret', async () => {
    // Prepare
    graph.injectFault({ kind: 'status', status: 200, body: { keyId: '0f0f0f0f-0000-4000-8000-000000000000', secretText: null } });

    // Act
    const error = await failure(entraClientSecretRotator.create(current, context));

    // Assess
    expect(error.message).toBe('entra-client-secret: graph addPassword: malformed response (no keyId or secretText); a password may have been added, check the application');
    expect(error.retryable).toBe(false);
  });

  it('uses the documented token endpoint and Graph base URL by default', async () => {
    // Prepare
    const urls: string[] = [];
    const stub: typeof fetch = async (input) => {
      const url = String(input);
      urls.push(url);
      if (url.endsWith('/addPassword')) return Response.json({ keyId: 'aaaaaaaa-0000-4000-8000-000000000000', secretText: 'xyz8Q~new' });
      return Response.json({ token_type: 'Bearer', expires_in: 3599, access_token: 'at_stub' });
    };
    const { tokenUrl: _t, graphBaseUrl: _g, ...defaults } = current;

    // Act
    await entraClientSecretRotator.create(defaults, { ...context, fetch: stub });

    // Assess
    expect(urls).toEqual([
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      `https://graph.microsoft.com/v1.0/applications/${app.id}/addPassword`,
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
    ]);
  });
});

describe('entra-client-secret rotator: test', () => {
  it('passes the pending secret and fails the retired one, after a crash or not', async () => {
    // Prepare
    const pending = await entraClientSecretRotator.create(current, context);
    await entraClientSecretRotator.retire(current, pending, context);

    // Act
    const pendingResult = entraClientSecretRotator.test(pending, context);
    const retired = await failure(entraClientSecretRotator.test(current, context));

    // Assess
    await expect(pendingResult).resolves.toBeUndefined();
    expect(retired.message).toMatch(/^entra-client-secret: the candidate's client secret was not accepted \(invalid_client\)/);
    expect(formOf(tokenRequests().at(-1)).client_secret).toBe(current.clientSecret);
    expectSecretFree(retired, [current.clientSecret, pending.clientSecret]);
  });

  it('honours a custom scope', async () => {
    // Act
    await entraClientSecretRotator.test({ ...current, scope: 'https://graph.microsoft.us/.default' }, context);

    // Assess
    expect(formOf(tokenRequests()[0]).scope).toBe('https://graph.microsoft.us/.default');
  });
});

describe('entra-client-secret rotator: retire', () => {
  it("removes the previous keyId with a token from the current secret, and nothing else", async () => {
    // Prepare
    const next = await entraClientSecretRotator.create(current, context);

    // Act
    await entraClientSecretRotator.retire(current, next, context);

    // Assess
    const [removal] = graphRequests('/removePassword');
    expect(removal?.path).toBe(`/v1.0/applications/${app.id}/removePassword`);
    expect(removal?.body).toEqual({ keyId: first.keyId });
    expect(formOf(tokenRequests().at(-1)).client_secret).toBe(next.clientSecret);
    expect(removal?.headers.authorization).toBe(`Bearer ${issued.at(-1)}`);
    expect(graph.passwordKeyIds(app.id)).toEqual([next.secretKeyId]);
  });

  it('is safe to re-run: a keyId the application no longer has is already retired', async () => {
    // Prepare
    const next = await entraClientSecretRotator.create(current, context);
    await entraClientSecretRotator.retire(current, next, context);

    // Act
    await entraClientSecretRotator.retire(current, next, context);

    // Assess
    expect(graphRequests('/removePassword')).toHaveLength(2);
    const [lookup] = graph.requests.filter((request) => request.method === 'GET' && request.path === `/v1.0/applications/${app.id}`);
    expect(lookup?.query.get('$select')).toBe('passwordCredentials');
    expect(graph.passwordKeyIds(app.id)).toEqual([next.secretKeyId]);
  });

  it('fails when Graph refuses the removal and the previous password is still there', async () => {
    // Prepare
    const next = await entraClientSecretRotator.create(current, context);
    graph.injectFault({ kind: 'status', status: 400, body: { error: { code: 'Request_BadRequest', message: 'Something else.' } } });

    // Act
    const error = await failure(entraClientSecretRotator.retire(current, next, context));

    // Assess
    expect(error.message).toBe('entra-client-secret: graph removePassword: HTTP 400 and the previous password is still there');
    expect(graph.passwordKeyIds(app.id)).toEqual([first.keyId, next.secretKeyId]);
  });

  it('never removes the keyId the current credential uses', async () => {
    // Act
    await entraClientSecretRotator.retire(current, current, context);

    // Assess
    expect(graph.requests).toHaveLength(0);
    expect(oauth.requests).toHaveLength(0);
  });

  it('refuses to remove anything when the credentials name different applications', async () => {
    // Prepare
    const other = graph.addApplication('another app');
    const next = await entraClientSecretRotator.create(current, context);

    // Act
    const error = await failure(entraClientSecretRotator.retire(current, { ...next, applicationObjectId: other.id }, context));

    // Assess
    expect(error.message).toMatch(/name different applications; not removing anything/);
    expect(graphRequests('/removePassword')).toHaveLength(0);
  });

  it('turns a throttled removePassword into a retryable error', async () => {
    // Prepare
    const next = await entraClientSecretRotator.create(current, context);
    graph.throttle({ status: 503, retryAfterSeconds: 9 });

    // Act
    const error = await failure(entraClientSecretRotator.retire(current, next, context));

    // Assess
    expect(error).toMatchObject({ message: 'entra-client-secret: graph removePassword: HTTP 503', retryable: true, retryAfterMs: 9000 });
  });
});

describe('entra-client-secret rotator: accessToken', () => {
  it('gives the token and its expiry', async () => {
    // Prepare
    const next = await entraClientSecretRotator.create(current, context);

    // Act
    const token = entraClientSecretRotator.accessToken(next);

    // Assess
    expect(token).toEqual({ token: next.accessToken, expiresAt: next.expiresAt });
    expect(entraClientSecretRotator.accessToken(current)).toBeUndefined();
  });
});
