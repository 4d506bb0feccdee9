import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { GoogleWorkspaceConnector } from '../../../connectors/google-workspace/GoogleWorkspaceConnector.js';
import { googleWorkspaceSettingsSchema } from '../../../connectors/google-workspace/googleWorkspaceSettingsSchema.js';
import { googleWorkspaceConnector } from '../../../connectors/google-workspace/index.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { FakeGoogleDirectoryApi } from '../../fakes/google/FakeGoogleDirectoryApi.js';
import { rejection } from '../../support/rejection.js';

const TOKEN = 'ya29.unit-google-token';
const USERS_PATH = '/admin/directory/v1/users';

let fake: FakeGoogleDirectoryApi;
let connector: GoogleWorkspaceConnector;
let people = 0;

function person(overrides: Partial<PersonSnapshot> = {}): PersonSnapshot {
  people++;
  return {
    id: `p${people}`,
    userName: `person${people}@example.com`,
    active: true,
    givenName: 'Ada',
    familyName: `Lovelace${people}`,
    title: 'Engineer',
    department: 'Engineering',
    ...overrides,
  };
}

function connect(settings: Record<string, unknown> = {}): GoogleWorkspaceConnector {
  const parsed = googleWorkspaceSettingsSchema.parse({ directoryBaseUrl: fake.directoryBaseUrl, dataTransferBaseUrl: fake.dataTransferBaseUrl, ...settings });
  return new GoogleWorkspaceConnector('google-unit', parsed, { accessToken: async () => TOKEN, timeoutMs: 500 });
}

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

const requestsTo = (method: string, path: string) => fake.requests.filter((r) => r.method === method && r.path === path);

beforeEach(async () => {
  fake = await new FakeGoogleDirectoryApi(2).start();
  fake.validTokens.add(TOKEN);
  connector = connect();
});

afterEach(async () => {
  await fake.stop();
});

describe('google-workspace connector: rate limits', () => {
  it.each(['userRateLimitExceeded', 'quotaExceeded', 'rateLimitExceeded'] as const)(
    'treats a 403 with reason %s as a retryable rate limit with a back-off hint',
    async (reason) => {
      // Prepare
      fake.throttle(reason, { status: 403 });

      // Act
      const error = await failure(connector.findAccount(person()));

      // Assess
      expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, status: 403 });
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(error.retryAfterMs).toBeLessThan(2000);
    },
  );

  it('treats 429 rateLimitExceeded as a rate limit and keeps a Retry-After when Google sends one', async () => {
    // Prepare
    fake.throttle('rateLimitExceeded', { retryAfterSeconds: 3 });

    // Act
    const error = await failure(connector.findAccount(person()));

    // Assess
    expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, status: 429, retryAfterMs: 3000 });
  });

  it('doubles the back-off hint while throttled and starts over after a success', async () => {
    // Prepare
    fake.throttle('userRateLimitExceeded', { times: 3 });
    const someone = person();

    // Act
    const throttled = [];
    for (let i = 0; i < 3; i++) throttled.push((await failure(connector.findAccount(someone))).retryAfterMs ?? -1);
    await connector.findAccount(someone);
    fake.throttle('userRateLimitExceeded');
    const afterSuccess = (await failure(connector.findAccount(someone))).retryAfterMs ?? -1;

    // Assess: 1 s, 2 s, 4 s, each plus under a second of jitter, then 1 s again.
    expect(throttled.map((ms) => Math.floor(ms / 1000))).toEqual([1, 2, 4]);
    expect(Math.floor(afterSuccess / 1000)).toBe(1);
  });

  it('keeps a 403 that is not a rate limit a non-retryable auth error', async () => {
    // Prepare: Google's answer to an admin without the privilege.
    fake.injectFault({
      kind: 'status',
      status: 403,
      body: {
        error: {
          code: 403,
          message: 'Not Authorized to access this resource/api',
          errors: [{ message: 'Not Authorized to access this resource/api', domain: 'global', reason: 'forbidden' }],
        },
      },
    });

    // Act
    const error = await failure(connector.findAccount(person()));

    // Assess
    expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 403 });
    expect(error.retryAfterMs).toBeUndefined();
  });
});

describe('google-workspace connector: accounts', () => {
  it('creates users with the documented users.insert payload and a new random password each time', async () => {
    // Prepare
    const first = person({ costCenter: 'CC-1' });
    const second = person();

    // Act
    await connector.createAccount(first, 'k1');
    await connector.createAccount(second, 'k2');

    // Assess
    const inserts = requestsTo('POST', USERS_PATH).map((r) => r.body as Record<string, unknown>);
    expect(inserts).toHaveLength(2);
    expect(inserts[0]).toEqual({
      primaryEmail: first.userName,
      name: { givenName: 'Ada', familyName: first.familyName },
      password: expect.stringMatching(/^[\x21-\x7e]{32}$/),
      organizations: [{ primary: true, type: 'work', title: 'Engineer', department: 'Engineering', costCenter: 'CC-1' }],
    });
    expect(inserts[0]?.password).not.toBe(inserts[1]?.password);
  });

  it('never returns, keeps or reports the password it sends', async () => {
    // Prepare
    const created = await connector.createAccount(person(), 'k1');
    const sent = (requestsTo('POST', USERS_PATH)[0]?.body as { password: string }).password;
    fake.echoPasswordInInsertErrors = true;

    // Act
    const error = await failure(connector.createAccount(person(), 'k2'));
    const echoed = (requestsTo('POST', USERS_PATH)[1]?.body as { password: string }).password;

    // Assess
    expect(JSON.stringify(created)).not.toContain(sent);
    expect(inspect(connector, { depth: 10, showHidden: true })).not.toContain(sent);
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(echoed);
    expect(`${error.message} ${String(error.cause)}`).not.toContain(echoed);
  });

  it('reports a suspended user it is asked to create as existing, untouched, and re-enables it only when told', async () => {
    // Prepare
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');
    await connector.disableAccount(account.accountId, 'k2');

    // Act
    const again = await connector.createAccount(someone, 'k3');
    const stillSuspended = fake.users.get(account.accountId)?.suspended;
    const enabled = await connector.enableAccount(account.accountId, 'k4');
    const enabledAgain = await connector.enableAccount(account.accountId, 'k5');

    // Assess
    expect(again).toMatchObject({ changed: false, existing: true, account: { accountId: account.accountId, active: false } });
    expect(stillSuspended).toBe(true);
    expect(connector.correlates(again.account, someone)).toBe(true);
    expect([enabled.changed, enabledAgain.changed]).toEqual([true, false]);
    expect(fake.users.get(account.accountId)?.suspended).toBe(false);
  });

  it('treats a 409 duplicate on insert as the user already being there', async () => {
    // Prepare: the user exists, but the lookup before the insert misses it (a lost earlier answer).
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');
    fake.injectFault({ kind: 'status', status: 404, body: { error: { code: 404, message: 'Resource Not Found: userKey', errors: [{ reason: 'notFound' }] } } });

    // Act
    const again = await connector.createAccount(someone, 'k2');

    // Assess
    expect(again).toMatchObject({ changed: false, account: { accountId: account.accountId } });
    expect(requestsTo('POST', USERS_PATH)).toHaveLength(2);
    expect(fake.users.size).toBe(1);
  });

  it('suspends with users.update and reports a suspended user unchanged', async () => {
    // Prepare
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const first = await connector.disableAccount(account.accountId, 'k2');
    const second = await connector.disableAccount(account.accountId, 'k3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    const puts = requestsTo('PUT', `${USERS_PATH}/${account.accountId}`);
    expect(puts.map((r) => r.body)).toEqual([{ suspended: true }]);
    expect(fake.users.get(account.accountId)?.suspended).toBe(true);
  });

  it('updates the primary organization and keeps the fields and entries it does not manage', async () => {
    // Prepare
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');
    const stored = fake.users.get(account.accountId);
    if (!stored) throw new Error('user not stored');
    stored.organizations = [
      { name: 'Example Ltd', title: 'Engineer', department: 'Engineering', location: 'Berlin', primary: true },
      { name: 'Board', title: 'Advisor' },
    ];

    // Act
    const updated = await connector.updateAccount(account.accountId, { ...someone, title: 'Staff Engineer', department: undefined }, 'k2');

    // Assess
    expect(updated.changed).toBe(true);
    const put = requestsTo('PUT', `${USERS_PATH}/${account.accountId}`)[0]?.body as { organizations: unknown };
    expect(put.organizations).toEqual([
      { name: 'Example Ltd', location: 'Berlin', primary: true, title: 'Staff Engineer' },
      { name: 'Board', title: 'Advisor' },
    ]);
  });

  it('matches people by a userName that is an address, else by their email', async () => {
    // Prepare
    const byUserName = person({ userName: 'Grace@Example.com', email: 'other@example.com' });
    const byEmail = person({ userName: 'grace', email: 'grace.hopper@example.com' });

    // Act
    await connector.findAccount(byUserName);
    await connector.findAccount(byEmail);
    const neither = await failure(connector.findAccount(person({ userName: 'nobody', email: undefined })));

    // Assess
    expect(fake.requests.map((r) => r.path)).toEqual([`${USERS_PATH}/grace%40example.com`, `${USERS_PATH}/grace.hopper%40example.com`]);
    expect(neither).toMatchObject({ kind: 'rejected', retryable: false });
  });

  it('signs users out with users.signOut', async () => {
    // Prepare
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const result = await connector.revokeSessions(account.accountId, 'k2');

    // Assess
    expect(result.changed).toBe(true);
    expect(requestsTo('POST', `${USERS_PATH}/${account.accountId}/signOut`)).toHaveLength(1);
    expect(fake.users.get(account.accountId)?.signOuts).toBe(1);
  });

  it('lists the configured customer with maxResults and hands the page token back', async () => {
    // Prepare
    connector = connect({ customer: fake.customerId });
    for (let i = 0; i < 3; i++) await connector.createAccount(person(), `k${i}`);

    // Act
    const first = await connector.listAccounts();
    const second = await connector.listAccounts(first.nextCursor);

    // Assess
    const lists = requestsTo('GET', USERS_PATH);
    expect(Object.fromEntries(lists[0]?.query ?? [])).toEqual({ customer: fake.customerId, maxResults: '500' });
    expect(lists[1]?.query.get('pageToken')).toBe(first.nextCursor);
    expect([first.accounts.length, second.accounts.length, second.nextCursor]).toEqual([2, 1, undefined]);
  });
});

describe('google-workspace connector: groups', () => {
  it('adds members by primary email as MEMBER, and "Member already exists" is unchanged', async () => {
    // Prepare
    fake.addGroup('eng@example.com');
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');

    // Act
    const first = await connector.grant(account.accountId, 'group:eng@example.com', 'k2');
    const second = await connector.grant(account.accountId, 'group:eng@example.com', 'k3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    const inserts = requestsTo('POST', '/admin/directory/v1/groups/eng%40example.com/members');
    expect(inserts.map((r) => r.body)).toEqual([
      { email: someone.userName, role: 'MEMBER' },
      { email: someone.userName, role: 'MEMBER' },
    ]);
    expect(fake.membersOf('eng@example.com')).toEqual([someone.userName]);
  });

  it('removes members by user id, and a membership already gone is unchanged', async () => {
    // Prepare
    fake.addGroup('eng@example.com');
    const { account } = await connector.createAccount(person(), 'k1');
    await connector.grant(account.accountId, 'group:eng@example.com', 'k2');

    // Act
    const first = await connector.revoke(account.accountId, 'group:eng@example.com', 'k3');
    const second = await connector.revoke(account.accountId, 'group:eng@example.com', 'k4');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(requestsTo('DELETE', `/admin/directory/v1/groups/eng%40example.com/members/${account.accountId}`)).toHaveLength(2);
    expect(fake.membersOf('eng@example.com')).toEqual([]);
  });

  it('reports a group that does not exist instead of calling the removal done', async () => {
    // Prepare
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const error = await failure(connector.revoke(account.accountId, 'group:missing@example.com', 'k2'));

    // Assess
    expect(error).toMatchObject({ kind: 'notFound', retryable: false });
  });

  it('rejects an entitlement that is not "group:<email>" without calling Google', async () => {
    // Act
    const error = await failure(connector.grant('1', 'role:admin', 'k1'));

    // Assess
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(fake.requests).toEqual([]);
  });
});

describe('google-workspace connector: data transfer', () => {
  it('transfers all Drive files with the documented payload, once', async () => {
    // Prepare
    const from = (await connector.createAccount(person(), 'k1')).account.accountId;
    const to = (await connector.createAccount(person(), 'k2')).account.accountId;

    // Act
    const first = await connector.transferOwnership(from, to, 'k3');
    const second = await connector.transferOwnership(from, to, 'k4');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(requestsTo('POST', '/admin/datatransfer/v1/transfers').map((r) => r.body)).toEqual([
      {
        oldOwnerUserId: from,
        newOwnerUserId: to,
        applicationDataTransfers: [{ applicationId: '55656082996', applicationTransferParams: [{ key: 'PRIVACY_LEVEL', value: ['PRIVATE', 'SHARED'] }] }],
      },
    ]);
    const list = requestsTo('GET', '/admin/datatransfer/v1/transfers')[0];
    expect([list?.query.get('oldOwnerUserId'), list?.query.get('newOwnerUserId')]).toEqual([from, to]);
  });

  it('starts again when the earlier transfer failed', async () => {
    // Prepare
    const from = (await connector.createAccount(person(), 'k1')).account.accountId;
    const to = (await connector.createAccount(person(), 'k2')).account.accountId;
    await connector.transferOwnership(from, to, 'k3');
    const earlier = fake.transfers[0];
    if (earlier) earlier.overallTransferStatusCode = 'failed';

    // Act
    const again = await connector.transferOwnership(from, to, 'k4');

    // Assess
    expect(again.changed).toBe(true);
    expect(fake.transfers).toHaveLength(2);
  });

  it('uses the configured Drive application id', async () => {
    // Prepare
    fake.applicationIds.add('123456789');
    connector = connect({ driveApplicationId: '123456789' });
    const from = (await connector.createAccount(person(), 'k1')).account.accountId;
    const to = (await connector.createAccount(person(), 'k2')).account.accountId;

    // Act
    await connector.transferOwnership(from, to, 'k3');

    // Assess
    expect(fake.transfers[0]?.applicationDataTransfers[0]?.applicationId).toBe('123456789');
  });
});

describe('google-workspace connector: definition', () => {
  it("defaults to my_customer, Google's endpoints and the documented Drive id, and rejects unknown settings", () => {
    // Act
    const defaults = googleWorkspaceConnector.settingsSchema.parse({});
    const typo = googleWorkspaceConnector.settingsSchema.safeParse({ customers: 'C123' });

    // Assess
    expect(defaults).toEqual({
      customer: 'my_customer',
      directoryBaseUrl: 'https://admin.googleapis.com/admin/directory/v1',
      dataTransferBaseUrl: 'https://admin.googleapis.com/admin/datatransfer/v1',
      driveApplicationId: '55656082996',
    });
    expect(typo.success).toBe(false);
    expect(googleWorkspaceConnector.create('g', defaults, { accessToken: async () => TOKEN })).toMatchObject({ id: 'g', type: 'google-workspace' });
  });
});
