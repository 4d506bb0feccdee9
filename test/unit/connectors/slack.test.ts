import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { slackConnector } from '../../../connectors/slack/index.js';
import type { SlackConnector } from '../../../connectors/slack/SlackConnector.js';
import { conformancePerson } from '../../conformance/describeConnectorConformance.js';
import type { FakeRequest } from '../../fakes/FakeServer.js';
import { FakeSlackApi } from '../../fakes/slack/FakeSlackApi.js';
import { rejection } from '../../support/rejection.js';

const TOKEN = 'xoxp-slack-unit';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let fake: FakeSlackApi;

beforeEach(async () => {
  fake = new FakeSlackApi({ pageSize: 3 });
  fake.validTokens.add(TOKEN);
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

function connector(token = TOKEN): SlackConnector {
  const settings = slackConnector.settingsSchema.parse({ scimBaseUrl: fake.scimBaseUrl, webApiBaseUrl: fake.webApiBaseUrl });
  return slackConnector.create('slack-unit', settings, { accessToken: async () => token, timeoutMs: 500 }) as SlackConnector;
}

function last(method: string): FakeRequest {
  const request = fake.requests.filter((candidate) => candidate.method === method).at(-1);
  if (!request) throw new Error(`no ${method} request`);
  return request;
}

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

describe('slack connector: sessions (admin.users.session.reset)', () => {
  it('posts user_id as JSON with the token as a bearer header', async () => {
    // Prepare
    const slack = connector();
    const { account } = await slack.createAccount(conformancePerson(), 'key-1');

    // Act
    const result = await slack.revokeSessions(account.accountId, 'key-2');

    // Assess
    const post = last('POST');
    expect(post.path).toBe('/api/admin.users.session.reset');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(post.body).toEqual({ user_id: account.accountId });
    expect(result.changed).toBe(true);
    expect(fake.sessionResets).toEqual([account.accountId]);
  });

  it.each([
    ['invalid_auth', 'auth', false],
    ['not_authed', 'auth', false],
    ['missing_scope', 'auth', false],
    ['token_revoked', 'auth', false],
    ['cannot_reset_bot', 'rejected', false],
    ['cannot_reset_primary_owner', 'rejected', false],
    ['user_not_found', 'notFound', false],
    ['internal_error', 'unavailable', true],
  ] as const)('maps an HTTP 200 {"ok": false, "error": "%s"} to %s', async (slackError, kind, retryable) => {
    // Prepare
    fake.injectFault({ kind: 'status', status: 200, body: { ok: false, error: slackError } });

    // Act
    const error = await failure(connector().revokeSessions('W0123ABCDEF', 'key-1'));

    // Assess
    expect(error).toMatchObject({ kind, retryable, status: 200 });
    expect(error.message).toBe(`slack admin.users.session.reset: ${slackError}`);
  });

  it('takes "ratelimited" as a retryable rateLimited error with its Retry-After, on HTTP 200 as on 429', async () => {
    // Prepare
    fake.injectFault({ kind: 'status', status: 200, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } });
    fake.injectFault({ kind: 'status', status: 429, headers: { 'retry-after': '12' }, body: { ok: false, error: 'ratelimited' } });

    // Act
    const on200 = await failure(connector().revokeSessions('W0123ABCDEF', 'key-1'));
    const on429 = await failure(connector().revokeSessions('W0123ABCDEF', 'key-2'));

    // Assess
    expect(on200).toMatchObject({ kind: 'rateLimited', retryable: true, retryAfterMs: 30_000 });
    expect(on429).toMatchObject({ kind: 'rateLimited', retryable: true, retryAfterMs: 12_000, status: 429 });
  });

  it('maps the errors the fake Slack produces itself: bad token, missing scope, unknown user, not Grid', async () => {
    // Prepare
    const slack = connector();
    const { account } = await slack.createAccount(conformancePerson(), 'key-1');
    const readOnly = 'xoxp-read-only';
    fake.validTokens.add(readOnly);
    fake.tokenScopes.set(readOnly, ['admin', 'admin.users:read']);

    // Act
    const badToken = await failure(connector('xoxp-wrong-token').revokeSessions(account.accountId, 'key-2'));
    const missingScope = await failure(connector(readOnly).revokeSessions(account.accountId, 'key-3'));
    const unknownUser = await failure(slack.revokeSessions('W000NOSUCH', 'key-4'));
    fake.enterpriseGrid = false;
    const notGrid = await failure(slack.revokeSessions(account.accountId, 'key-5'));

    // Assess
    expect(badToken).toMatchObject({ kind: 'auth', retryable: false, message: 'slack admin.users.session.reset: invalid_auth' });
    expect(badToken.message).not.toContain('xoxp-wrong-token');
    expect(missingScope).toMatchObject({ kind: 'auth', retryable: false, message: 'slack admin.users.session.reset: missing_scope' });
    expect(unknownUser).toMatchObject({ kind: 'notFound', retryable: false });
    expect(notGrid).toMatchObject({ kind: 'rejected', retryable: false, message: 'slack admin.users.session.reset: feature_not_enabled' });
    expect(fake.sessionResets).toEqual([]);
  });

  it('is held to its tier: over the burst, HTTP 429 with Retry-After, and through again once it has passed', async () => {
    // Prepare
    const slack = connector();
    const { account } = await slack.createAccount(conformancePerson(), 'key-1');
    for (let i = 0; i < 20; i++) await slack.revokeSessions(account.accountId, `key-burst-${i}`);

    // Act
    const limited = await failure(slack.revokeSessions(account.accountId, 'key-over'));
    const later = Date.now() + (limited.retryAfterMs ?? 0);
    fake.now = () => later;
    const afterwards = await slack.revokeSessions(account.accountId, 'key-after');

    // Assess
    expect(limited).toMatchObject({ kind: 'rateLimited', retryable: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(afterwards.changed).toBe(true);
    expect(fake.sessionResets).toHaveLength(21);
  });

  it('treats a Web API answer without "ok" as the vendor being unavailable', async () => {
    // Prepare
    fake.injectFault({ kind: 'status', status: 200, body: { error: 'no ok here' } });

    // Act
    const error = await failure(connector().revokeSessions('W0123ABCDEF', 'key-1'));

    // Assess
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true });
  });
});

describe('slack connector: SCIM', () => {
  it('matches people by email, since Slack turns an email sent as userName into a handle', async () => {
    // Prepare
    const slack = connector();
    const person = conformancePerson({ userName: 'Barbara.Jensen@example.com', email: 'barbara.jensen@example.com' });
    const { account } = await slack.createAccount(person, 'key-1');

    // Act
    const found = await slack.findAccount(person);

    // Assess
    expect(account.accountId).toMatch(/^W[0-9A-Z]+$/);
    expect(last('POST').headers['content-type']).toBe('application/json');
    expect(last('GET').query.get('filter')).toBe('email eq "barbara.jensen@example.com"');
    expect(found).toMatchObject({ accountId: account.accountId, userName: 'barbara.jensen', email: 'barbara.jensen@example.com', active: true });
  });

  it('resolves Slack’s 409 (an {"Errors": ...} body) on a second create to the existing user', async () => {
    // Prepare
    const slack = connector();
    const person = conformancePerson();
    const { account } = await slack.createAccount(person, 'key-1');

    // Act
    const direct = await fetch(`${fake.scimBaseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'someone-else',
        emails: [{ value: person.email }],
      }),
    });
    const again = await slack.createAccount(person, 'key-2');

    // Assess
    expect(direct.status).toBe(409);
    expect(await direct.json()).toEqual({ Errors: { description: expect.any(String), code: 409 } });
    expect(again).toMatchObject({ changed: false, account: { accountId: account.accountId } });
  });

  it('answers bad requests and bad tokens in Slack’s error format, which the connector reads by status', async () => {
    // Prepare
    const noEmail = conformancePerson({ email: undefined });

    // Act
    const rejected = await failure(connector().createAccount(noEmail, 'key-1'));
    const direct = await fetch(`${fake.scimBaseUrl}/Users`, { headers: { authorization: 'Bearer xoxp-wrong' } });
    const unauthorized = await failure(connector('xoxp-wrong').listAccounts());

    // Assess
    expect(rejected).toMatchObject({ kind: 'rejected', status: 400 });
    expect(direct.status).toBe(401);
    expect(await direct.json()).toEqual({ Errors: { description: 'invalid_authentication', code: 401 } });
    expect(unauthorized).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('deletes by deactivating (Slack keeps the user), and a second delete sends nothing', async () => {
    // Prepare
    const slack = connector();
    const person = conformancePerson();
    const { account } = await slack.createAccount(person, 'key-1');
    const from = fake.requests.length;

    // Act
    const first = await slack.deleteAccount(account.accountId, 'key-2');
    const second = await slack.deleteAccount(account.accountId, 'key-3');
    const found = await slack.findAccount(person);

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(fake.requests.slice(from, from + 3).map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /scim/v2/Users/${account.accountId}`,
      `DELETE /scim/v2/Users/${account.accountId}`,
      `GET /scim/v2/Users/${account.accountId}`,
    ]);
    expect(found).toMatchObject({ accountId: account.accountId, active: false });
  });

  it('adds and removes IDP group members, removing with path "members" and the member as value', async () => {
    // Prepare
    const slack = connector();
    const groupId = fake.addGroup('Platform');
    const { account } = await slack.createAccount(conformancePerson(), 'key-1');

    // Act
    const granted = await slack.grant(account.accountId, `group:${groupId}`, 'key-2');
    const membersAfterGrant = [...fake.groupMembers(groupId)];
    const revoked = await slack.revoke(account.accountId, `group:${groupId}`, 'key-3');

    // Assess
    expect(groupId).toMatch(/^S[0-9A-Z]+$/);
    expect([granted.changed, revoked.changed]).toEqual([true, true]);
    expect(membersAfterGrant).toEqual([account.accountId]);
    expect(last('PATCH').body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: 'members', value: [{ value: account.accountId }] }],
    });
    expect(fake.groupMembers(groupId)).toEqual([]);
  });

  it('is held to Slack’s SCIM limits: the 21st create in a burst is rateLimited with Retry-After', async () => {
    // Prepare
    const slack = connector();
    for (let i = 0; i < 20; i++) await slack.createAccount(conformancePerson(), `key-${i}`);

    // Act
    const limited = await failure(slack.createAccount(conformancePerson(), 'key-over'));
    const later = Date.now() + (limited.retryAfterMs ?? 0);
    fake.now = () => later;
    const afterwards = await slack.createAccount(conformancePerson(), 'key-after');

    // Assess
    expect(limited).toMatchObject({ kind: 'rateLimited', retryable: true, status: 429 });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(afterwards.changed).toBe(true);
  });
});

describe('slack connector settings', () => {
  it('defaults to Slack’s own endpoints', async () => {
    // Prepare
    const urls: string[] = [];
    const stubFetch: typeof fetch = async (input) => {
      urls.push(String(input));
      const body = String(input).includes('/scim/') ? { totalResults: 0, Resources: [] } : { ok: true };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const settings = slackConnector.settingsSchema.parse({});
    const slack = slackConnector.create('slack-defaults', settings, { accessToken: async () => TOKEN, fetch: stubFetch }) as SlackConnector;

    // Act
    await slack.findAccount(conformancePerson({ email: 'a@example.com' }));
    await slack.revokeSessions('W0123ABCDEF', 'key-1');

    // Assess
    expect(settings).toEqual({ scimBaseUrl: 'https://api.slack.com/scim/v2', webApiBaseUrl: 'https://slack.com/api' });
    expect(urls).toEqual([
      `https://api.slack.com/scim/v2/Users?filter=${encodeURIComponent('email eq "a@example.com"').replace(/%20/g, '+')}`,
      'https://slack.com/api/admin.users.session.reset',
    ]);
    expect(slackConnector.settingsSchema.safeParse({ scimBaseUrl: 'https://api.slack.com/scim/v2', token: 'xoxp-1' }).success).toBe(false);
  });
});
