import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Credential } from '../../../lib/connector-sdk/Credential.js';
import type { RotationContext } from '../../../lib/connector-sdk/CredentialRotator.js';
import { RotationError } from '../../../lib/connector-sdk/RotationError.js';
import { oauth2RefreshRotator } from '../../../lib/connector-sdk/oauth2RefreshRotator.js';
import type { FakeRequest } from '../../fakes/FakeServer.js';
import { FakeOAuthServer } from '../../fakes/oauth/FakeOAuthServer.js';
import { expectSecretFree } from '../../support/expectSecretFree.js';
import { rejection } from '../../support/rejection.js';

type OAuth2Credential = Extract<Credential, { type: 'oauth2-refresh' }>;

/** Characters that §2.3.1's form-urlencoding must protect inside a Basic header. */
const CLIENT_ID = 'perimeter:app';
const CLIENT_SECRET = 'cs+9f/w%rd:x';
const NOW = new Date('2030-01-01T00:00:00.000Z');

let server: FakeOAuthServer;
let context: RotationContext;

beforeEach(async () => {
  server = await new FakeOAuthServer().start();
  server.registerClient(CLIENT_ID, CLIENT_SECRET);
  context = { now: () => NOW, timeoutMs: 2_000 };
});

afterEach(async () => {
  await server.stop();
});

/** The credential an operator stores after authorizing: a refresh token, no access token yet. */
function seeded(overrides: Partial<OAuth2Credential> = {}): OAuth2Credential {
  return {
    type: 'oauth2-refresh',
    tokenUrl: server.tokenUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshToken: server.issueRefreshToken(overrides.clientId ?? CLIENT_ID, 'read write'),
    scope: 'read',
    ...overrides,
  };
}

const tokenRequests = (): FakeRequest[] => server.requests.filter((request) => request.path === '/token');
const formOf = (request: FakeRequest | undefined): URLSearchParams => new URLSearchParams(request?.rawBody ?? '');

const failure = (promise: Promise<unknown>): Promise<RotationError> => rejection(promise, RotationError);

describe('oauth2-refresh rotator: create', () => {
  it('refreshes with HTTP Basic client authentication, id and secret form-urlencoded first (RFC 6749 §2.3.1, §6)', async () => {
    // Prepare
    const current = seeded();

    // Act
    const next = await oauth2RefreshRotator.create(current, context);

    // Assess
    const [request] = tokenRequests();
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('perimeter%3Aapp:cs%2B9f%2Fw%25rd%3Ax').toString('base64')}`);
    expect(Object.fromEntries(formOf(request))).toEqual({ grant_type: 'refresh_token', refresh_token: current.refreshToken, scope: 'read' });
    expect(next).toEqual({
      ...current,
      refreshToken: expect.stringMatching(/^rt_/),
      accessToken: expect.stringMatching(/^at_/),
      expiresAt: '2030-01-01T01:00:00.000Z',
      issuedAt: NOW.toISOString(),
    });
    expect(next.refreshToken).not.toBe(current.refreshToken);
    expect(server.isRefreshTokenActive(next.refreshToken)).toBe(true);
    expect(server.isAccessTokenValid(next.accessToken as string)).toBe(true);
  });

  it('identifies a public client by client_id in the body and sends no Authorization header', async () => {
    // Prepare
    server.registerClient('public-app');
    const current = seeded({ clientId: 'public-app', clientSecret: undefined });
    delete (current as { clientSecret?: string }).clientSecret;

    // Act
    const next = await oauth2RefreshRotator.create(current, context);

    // Assess
    const [request] = tokenRequests();
    expect(request?.headers.authorization).toBeUndefined();
    expect(formOf(request).get('client_id')).toBe('public-app');
    expect(formOf(request).has('client_secret')).toBe(false);
    expect(server.isAccessTokenValid(next.accessToken as string)).toBe(true);
  });

  it('sends no scope when the credential has none, and the provider keeps the granted scope', async () => {
    // Prepare
    const current = seeded();
    delete (current as { scope?: string }).scope;

    // Act
    const next = await oauth2RefreshRotator.create(current, context);

    // Assess
    expect(formOf(tokenRequests()[0]).has('scope')).toBe(false);
    expect(next.scope).toBeUndefined();
  });

  it('keeps the current refresh token when the provider does not issue a new one', async () => {
    // Prepare
    server.rotateRefreshTokens = false;
    const current = seeded();

    // Act
    const next = await oauth2RefreshRotator.create(current, context);

    // Assess
    expect(next.refreshToken).toBe(current.refreshToken);
    expect(next.accessToken).not.toBe(current.accessToken);
    expect(server.isRefreshTokenActive(current.refreshToken)).toBe(true);
  });

  it('replaces the previous access token and leaves expiresAt unset when the provider sends no expires_in', async () => {
    // Prepare
    const current = seeded({ accessToken: 'at_previous', expiresAt: '2029-12-31T23:30:00.000Z' });
    server.injectFault({ kind: 'status', status: 200, body: { access_token: 'at_no_expiry', token_type: 'bearer' } });

    // Act
    const next = await oauth2RefreshRotator.create(current, context);

    // Assess
    expect(next.accessToken).toBe('at_no_expiry');
    expect(next).not.toHaveProperty('expiresAt');
    expect(next.refreshToken).toBe(current.refreshToken);
  });

  it('reads expires_in sent as a numeric string', async () => {
    // Prepare
    server.injectFault({ kind: 'status', status: 200, body: { access_token: 'at_x', token_type: 'Bearer', expires_in: '120' } });

    // Act
    const next = await oauth2RefreshRotator.create(seeded(), context);

    // Assess
    expect(next.expiresAt).toBe('2030-01-01T00:02:00.000Z');
  });
});

describe('oauth2-refresh rotator: refresh token rotation and crashes', () => {
  it('rejects the old refresh token once rotated, and its reuse revokes the whole family (RFC 9700 §4.14.2)', async () => {
    // Prepare
    const current = seeded();
    const next = await oauth2RefreshRotator.create(current, context);

    // Act
    const error = await failure(oauth2RefreshRotator.create(current, context));

    // Assess
    expect(error.message).toMatch(/^oauth2-refresh: the provider rejected the refresh token \(invalid_grant\)/);
    expect(error.retryable).toBe(false);
    expect(server.familyRevocations).toBe(1);
    expect(server.isRefreshTokenActive(next.refreshToken)).toBe(false);
    await expect(oauth2RefreshRotator.test(next, { ...context, testUrl: server.resourceUrl })).rejects.toThrow(/HTTP 401: the access token was refused/);
    expectSecretFree(error, [CLIENT_SECRET, current.refreshToken, next.refreshToken, next.accessToken]);
  });

  it('after a crash, the stored pending credential passes test and the retired one fails; creating again would burn both', async () => {
    // Prepare: create ran and the caller stored its result as pending, then the process died.
    const current = seeded();
    const pending = await oauth2RefreshRotator.create(current, context);
    const probing = { ...context, testUrl: server.resourceUrl };

    // Act
    const pendingResult = oauth2RefreshRotator.test(pending, probing);
    const retiredError = await failure(oauth2RefreshRotator.test(current, probing));
    await pendingResult;
    const againError = await failure(oauth2RefreshRotator.create(current, context));

    // Assess
    expect(retiredError.message).toBe('oauth2-refresh: the candidate has no access token');
    expect(againError.message).toMatch(/invalid_grant.*if an earlier rotation stored a pending credential, promote that one/);
    await expect(oauth2RefreshRotator.test(pending, probing)).rejects.toThrow(/the access token was refused/);
  });

  it('rotates again from the new credential, and the one before it can no longer refresh', async () => {
    // Prepare
    const first = seeded();
    const second = await oauth2RefreshRotator.create(first, context);

    // Act
    const third = await oauth2RefreshRotator.create(second, context);

    // Assess
    expect(new Set([first.refreshToken, second.refreshToken, third.refreshToken]).size).toBe(3);
    expect(server.isRefreshTokenActive(first.refreshToken)).toBe(false);
    expect(server.isRefreshTokenActive(second.refreshToken)).toBe(false);
    expect(server.isRefreshTokenActive(third.refreshToken)).toBe(true);
  });
});

describe('oauth2-refresh rotator: test', () => {
  it('passes a candidate with an unexpired access token, and GETs testUrl with it as a Bearer token', async () => {
    // Prepare
    const candidate = await oauth2RefreshRotator.create(seeded(), context);

    // Act
    await oauth2RefreshRotator.test(candidate, context);
    await oauth2RefreshRotator.test(candidate, { ...context, testUrl: server.resourceUrl });

    // Assess
    const probes = server.requests.filter((request) => request.path === '/resource');
    expect(probes).toHaveLength(1);
    expect(probes[0]?.headers.authorization).toBe(`Bearer ${candidate.accessToken}`);
  });

  it('fails a candidate whose access token has expired by the clock', async () => {
    // Prepare
    const candidate = await oauth2RefreshRotator.create(seeded(), context);
    const later = { now: () => new Date('2030-01-01T01:00:00.000Z') };

    // Act
    const error = await failure(oauth2RefreshRotator.test(candidate, later));

    // Assess
    expect(error.message).toBe("oauth2-refresh: the candidate's access token has expired");
    expect(error.retryable).toBe(false);
  });

  it('fails a candidate whose access token the resource refuses (401), without retrying', async () => {
    // Prepare
    const candidate = await oauth2RefreshRotator.create(seeded(), context);
    server.expireAccessTokens();

    // Act
    const error = await failure(oauth2RefreshRotator.test(candidate, { ...context, testUrl: server.resourceUrl }));

    // Assess
    expect(error.message).toBe('oauth2-refresh: test request: HTTP 401: the access token was refused');
    expect(error.retryable).toBe(false);
    expectSecretFree(error, [candidate.accessToken, candidate.refreshToken]);
  });

  it('marks a throttled or failing test request retryable, with its Retry-After', async () => {
    // Prepare
    const candidate = await oauth2RefreshRotator.create(seeded(), context);
    server.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
    server.injectFault({ kind: 'status', status: 502 });
    const probing = { ...context, testUrl: server.resourceUrl };

    // Act
    const throttled = await failure(oauth2RefreshRotator.test(candidate, probing));
    const failing = await failure(oauth2RefreshRotator.test(candidate, probing));

    // Assess
    expect(throttled).toMatchObject({ message: 'oauth2-refresh: test request: HTTP 429', retryable: true, retryAfterMs: 3000 });
    expect(failing).toMatchObject({ message: 'oauth2-refresh: test request: HTTP 502', retryable: true });
  });
});

describe('oauth2-refresh rotator: token endpoint errors', () => {
  it('reports invalid_grant as a rejected refresh token, not retryable, even when the provider echoes it', async () => {
    // Prepare
    server.echoCredentialsInErrors = true;
    const current = seeded({ refreshToken: 'rt_never_issued_by_this_server' });

    // Act
    const error = await failure(oauth2RefreshRotator.create(current, context));

    // Assess
    expect(error.message).toMatch(/^oauth2-refresh: the provider rejected the refresh token \(invalid_grant\)/);
    expect(error.retryable).toBe(false);
    expectSecretFree(error, [CLIENT_SECRET, current.refreshToken]);
  });

  it('reports a wrong client secret as failed client authentication (401 invalid_client)', async () => {
    // Prepare
    server.echoCredentialsInErrors = true;
    const current = seeded({ clientSecret: 'cs_wrong_secret_value' });

    // Act
    const error = await failure(oauth2RefreshRotator.create(current, context));

    // Assess
    expect(error.message).toBe('oauth2-refresh: token endpoint: HTTP 401 invalid_client (client authentication failed)');
    expect(error.retryable).toBe(false);
    expect(server.isRefreshTokenActive(current.refreshToken)).toBe(true);
    expectSecretFree(error, ['cs_wrong_secret_value', CLIENT_SECRET, current.refreshToken]);
  });

  it('turns 429 with Retry-After into a retryable error that keeps the wait', async () => {
    // Prepare
    server.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '7' }, body: { error: 'rate_limited' } });
    const current = seeded();

    // Act
    const error = await failure(oauth2RefreshRotator.create(current, context));

    // Assess
    expect(error).toMatchObject({ message: 'oauth2-refresh: token endpoint: HTTP 429', retryable: true, retryAfterMs: 7000 });
    expect(server.isRefreshTokenActive(current.refreshToken)).toBe(true);
  });

  it.each([500, 503])('turns HTTP %i into a retryable error', async (status) => {
    // Prepare
    server.injectFault({ kind: 'status', status, body: { error: 'server_error' } });

    // Act
    const error = await failure(oauth2RefreshRotator.create(seeded(), context));

    // Assess
    expect(error).toMatchObject({ message: `oauth2-refresh: token endpoint: HTTP ${status}`, retryable: true });
  });

  it('treats a 400 temporarily_unavailable as retryable and an unknown error code as "unrecognised"', async () => {
    // Prepare
    server.injectFault({ kind: 'status', status: 400, body: { error: 'temporarily_unavailable' } });
    server.injectFault({ kind: 'status', status: 400, body: { error: 'rt_leaked_into_the_error_field' } });

    // Act
    const transient = await failure(oauth2RefreshRotator.create(seeded(), context));
    const odd = await failure(oauth2RefreshRotator.create(seeded(), context));

    // Assess
    expect(transient).toMatchObject({ retryable: true, message: 'oauth2-refresh: token endpoint: HTTP 400 temporarily_unavailable (the provider is temporarily unavailable)' });
    expect(odd).toMatchObject({ retryable: false, message: 'oauth2-refresh: token endpoint: HTTP 400 unrecognised (the request was refused)' });
    expectSecretFree(odd, ['rt_leaked_into_the_error_field']);
  });

  it('treats a dropped connection and a truncated body as retryable', async () => {
    // Prepare
    server.injectFault({ kind: 'reset' });
    server.injectFault({ kind: 'malformed' });

    // Act
    const reset = await failure(oauth2RefreshRotator.create(seeded(), context));
    const truncated = await failure(oauth2RefreshRotator.create(seeded(), context));

    // Assess
    expect(reset).toMatchObject({ message: 'oauth2-refresh: token endpoint: network error', retryable: true });
    expect(truncated).toMatchObject({ message: 'oauth2-refresh: token endpoint: malformed JSON in HTTP 200 response', retryable: true });
  });

  it.each([
    [{ token_type: 'Bearer', expires_in: 3600 }, 'no access_token'],
    [{ access_token: '', token_type: 'Bearer' }, 'no access_token'],
    [{ access_token: 'at_mac_token_value', token_type: 'mac' }, 'token_type is not Bearer'],
    [{ access_token: 'at_bad_expiry_value', token_type: 'Bearer', expires_in: -5 }, 'expires_in is not a positive number'],
    [{ access_token: 'at_bad_expiry_value', token_type: 'Bearer', expires_in: 'soon' }, 'expires_in is not a positive number'],
    [{ access_token: 'at_bad_refresh_value', token_type: 'Bearer', refresh_token: 42 }, 'refresh_token is not a string'],
    [['at_in_an_array'], 'not a JSON object'],
  ])('refuses the malformed token response %j without retrying', async (body, what) => {
    // Prepare
    server.injectFault({ kind: 'status', status: 200, body });

    // Act
    const error = await failure(oauth2RefreshRotator.create(seeded(), context));

    // Assess
    expect(error).toMatchObject({ message: `oauth2-refresh: token endpoint: malformed token response (${what})`, retryable: false });
    expectSecretFree(error, ['at_mac_token_value', 'at_bad_expiry_value', 'at_bad_refresh_value', 'at_in_an_array', CLIENT_SECRET]);
  });
});

describe('oauth2-refresh rotator: retire and accessToken', () => {
  it('retire does nothing at the provider: the used refresh token is already dead', async () => {
    // Prepare
    const previous = seeded();
    const current = await oauth2RefreshRotator.create(previous, context);
    const before = server.requests.length;

    // Act
    await oauth2RefreshRotator.retire(previous, current, context);

    // Assess
    expect(server.requests.length).toBe(before);
    expect(server.isRefreshTokenActive(current.refreshToken)).toBe(true);
  });

  it('accessToken gives the token and its expiry, or undefined before the first refresh', async () => {
    // Prepare
    const current = seeded();
    const next = await oauth2RefreshRotator.create(current, context);

    // Act
    const none = oauth2RefreshRotator.accessToken(current);
    const some = oauth2RefreshRotator.accessToken(next);

    // Assess
    expect(none).toBeUndefined();
    expect(some).toEqual({ token: next.accessToken, expiresAt: '2030-01-01T01:00:00.000Z' });
  });
});
