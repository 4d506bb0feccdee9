import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { microsoftEntraConnector } from '../../../connectors/microsoft-entra/index.js';
import { MicrosoftEntraConnector } from '../../../connectors/microsoft-entra/MicrosoftEntraConnector.js';
import { microsoftEntraSettingsSchema } from '../../../connectors/microsoft-entra/microsoftEntraSettingsSchema.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { FakeGraphApi } from '../../fakes/entra/FakeGraphApi.js';
import { rejection } from '../../support/rejection.js';

const TOKEN = 'eyJ0eXAiOiJKV1QifQ.unit-graph-token';

let fake: FakeGraphApi;
let connector: MicrosoftEntraConnector;
let people = 0;

function person(overrides: Partial<PersonSnapshot> = {}): PersonSnapshot {
  people++;
  return {
    id: `p${people}`,
    userName: `person${people}@example.com`,
    active: true,
    displayName: `Ada Lovelace ${people}`,
    givenName: 'Ada',
    familyName: `Lovelace${people}`,
    title: 'Engineer',
    department: 'Engineering',
    ...overrides,
  };
}

function connect(settings: Record<string, unknown> = {}, fetchImpl?: typeof fetch): MicrosoftEntraConnector {
  const parsed = microsoftEntraSettingsSchema.parse({ graphBaseUrl: fake.graphBaseUrl, ...settings });
  return new MicrosoftEntraConnector('entra-unit', parsed, { accessToken: async () => TOKEN, timeoutMs: 500, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

const requestsTo = (method: string, path: string) => fake.requests.filter((r) => r.method === method && r.path === path);

beforeEach(async () => {
  fake = await new FakeGraphApi(2).start();
  fake.validTokens.add(TOKEN);
  connector = connect();
});

afterEach(async () => {
  await fake.stop();
});

describe('microsoft-entra connector: throttling', () => {
  it('turns 429 TooManyRequests into a retryable rateLimited error with its Retry-After', async () => {
    // Prepare
    fake.throttle({ retryAfterSeconds: 2 });

    // Act
    const error = await failure(connector.findAccount(person()));

    // Assess
    expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, status: 429, retryAfterMs: 2000 });
  });

  it('turns 503 with Retry-After into a retryable unavailable error that keeps the wait', async () => {
    // Prepare
    fake.throttle({ status: 503, retryAfterSeconds: 5 });

    // Act
    const error = await failure(connector.findAccount(person()));

    // Assess
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, status: 503, retryAfterMs: 5000 });
  });
});

describe('microsoft-entra connector: accounts', () => {
  it('creates users with the documented POST /users payload', async () => {
    // Prepare
    const someone = person({ employeeNumber: 'E-7', organization: 'Example Ltd' });

    // Act
    const result = await connector.createAccount(someone, 'k1');

    // Assess
    expect(result).toMatchObject({ changed: true, account: { userName: someone.userName, active: true } });
    expect(requestsTo('POST', '/v1.0/users').map((r) => r.body)).toEqual([
      {
        accountEnabled: true,
        displayName: someone.displayName,
        givenName: 'Ada',
        surname: someone.familyName,
        jobTitle: 'Engineer',
        department: 'Engineering',
        employeeId: 'E-7',
        companyName: 'Example Ltd',
        mailNickname: someone.userName.split('@')[0],
        userPrincipalName: someone.userName,
        passwordProfile: { forceChangePasswordNextSignIn: true, password: expect.stringMatching(/^.{32}$/) },
      },
    ]);
  });

  it('never returns, keeps or reports the password it sends', async () => {
    // Prepare
    const created = await connector.createAccount(person(), 'k1');
    const sent = (requestsTo('POST', '/v1.0/users')[0]?.body as { passwordProfile: { password: string } }).passwordProfile.password;
    fake.echoPasswordInCreateErrors = true;

    // Act
    const error = await failure(connector.createAccount(person(), 'k2'));
    const echoed = (requestsTo('POST', '/v1.0/users')[1]?.body as { passwordProfile: { password: string } }).passwordProfile.password;

    // Assess
    expect(JSON.stringify(created)).not.toContain(sent);
    expect(inspect(connector, { depth: 10, showHidden: true })).not.toContain(sent);
    expect(error).toMatchObject({ kind: 'rejected', status: 400 });
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(echoed);
  });

  it("finds people with an OData-escaped $filter and asks for accountEnabled, which Graph leaves out by default", async () => {
    // Prepare
    const obrien = person({ userName: "o'brien+ops@example.com" });
    await connector.createAccount(obrien, 'k1');

    // Act
    const found = await connector.findAccount(obrien);

    // Assess
    expect(found).toMatchObject({ userName: "o'brien+ops@example.com", active: true });
    const lookup = requestsTo('GET', '/v1.0/users').at(-1);
    expect(lookup?.query.get('$filter')).toBe("userPrincipalName eq 'o''brien+ops@example.com'");
    expect(lookup?.query.get('$select')?.split(',')).toEqual(expect.arrayContaining(['id', 'userPrincipalName', 'accountEnabled']));
    expect((requestsTo('POST', '/v1.0/users')[0]?.body as { mailNickname: string }).mailNickname).toBe('obrienops');
  });

  it('treats the userPrincipalName conflict of a repeated create as the user already being there', async () => {
    // Prepare: the user exists, but the lookup before the create misses it (a lost earlier answer).
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');
    fake.injectFault({ kind: 'status', status: 200, body: { value: [] } });

    // Act
    const again = await connector.createAccount(someone, 'k2');

    // Assess
    expect(again).toMatchObject({ changed: false, account: { accountId: account.accountId } });
    expect(requestsTo('POST', '/v1.0/users')).toHaveLength(2);
    expect(fake.users.size).toBe(1);
  });

  it('reports a disabled user it is asked to create as existing, untouched, and re-enables it only when told', async () => {
    // Prepare
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');
    await connector.disableAccount(account.accountId, 'k2');

    // Act
    const again = await connector.createAccount(someone, 'k3');
    const stillDisabled = fake.users.get(account.accountId)?.accountEnabled;
    const enabled = await connector.enableAccount(account.accountId, 'k4');
    const enabledAgain = await connector.enableAccount(account.accountId, 'k5');

    // Assess
    expect(again).toMatchObject({ changed: false, existing: true, account: { accountId: account.accountId, active: false } });
    expect(stillDisabled).toBe(false);
    expect(connector.correlates(again.account, someone)).toBe(true);
    expect([enabled.changed, enabledAgain.changed]).toEqual([true, false]);
    expect(fake.users.get(account.accountId)?.accountEnabled).toBe(true);
  });

  it('disables with PATCH accountEnabled=false and reports a disabled user unchanged', async () => {
    // Prepare
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const first = await connector.disableAccount(account.accountId, 'k2');
    const second = await connector.disableAccount(account.accountId, 'k3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(requestsTo('PATCH', `/v1.0/users/${account.accountId}`).map((r) => r.body)).toEqual([{ accountEnabled: false }]);
  });

  it('patches only the properties that differ, clearing those the person no longer has', async () => {
    // Prepare
    const someone = person();
    const { account } = await connector.createAccount(someone, 'k1');

    // Act
    const result = await connector.updateAccount(account.accountId, { ...someone, title: 'Staff Engineer', department: undefined }, 'k2');

    // Assess
    expect(result.changed).toBe(true);
    expect(requestsTo('PATCH', `/v1.0/users/${account.accountId}`).map((r) => r.body)).toEqual([{ jobTitle: 'Staff Engineer', department: null }]);
    expect(fake.users.get(account.accountId)?.properties).toMatchObject({ jobTitle: 'Staff Engineer', department: null });
  });

  it('reports an update of a user that does not exist as notFound', async () => {
    // Act
    const error = await failure(connector.updateAccount('00000000-0000-0000-0000-000000000000', person(), 'k1'));

    // Assess
    expect(error).toMatchObject({ kind: 'notFound', retryable: false });
  });

  it('revokes sign-in sessions with revokeSignInSessions', async () => {
    // Prepare
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const result = await connector.revokeSessions(account.accountId, 'k2');

    // Assess
    expect(result.changed).toBe(true);
    expect(requestsTo('POST', `/v1.0/users/${account.accountId}/revokeSignInSessions`)).toHaveLength(1);
    expect(fake.users.get(account.accountId)?.sessionRevocations).toBe(1);
  });

  it('takes the userPrincipalName from the configured attribute and rejects one that is not name@domain', async () => {
    // Prepare
    connector = connect({ userPrincipalNameAttribute: 'email' });
    const someone = person({ userName: 'ada', email: 'ada.lovelace@example.com' });

    // Act
    const created = await connector.createAccount(someone, 'k1');
    const error = await failure(connector.findAccount(person({ userName: 'x@example.com', email: 'not-an-address' })));

    // Assess
    expect(created.account.userName).toBe('ada.lovelace@example.com');
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
  });
});

describe('microsoft-entra connector: groups', () => {
  it('adds members with an @odata.id reference, and "already exist" is unchanged', async () => {
    // Prepare
    const groupId = fake.addGroup('Engineering');
    const { account } = await connector.createAccount(person(), 'k1');

    // Act
    const first = await connector.grant(account.accountId, `group:${groupId}`, 'k2');
    const second = await connector.grant(account.accountId, `group:${groupId}`, 'k3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    const adds = requestsTo('POST', `/v1.0/groups/${groupId}/members/$ref`);
    expect(adds.map((r) => r.body)).toEqual([
      { '@odata.id': `${fake.graphBaseUrl}/directoryObjects/${account.accountId}` },
      { '@odata.id': `${fake.graphBaseUrl}/directoryObjects/${account.accountId}` },
    ]);
    expect([...(fake.groups.get(groupId)?.members ?? [])]).toEqual([account.accountId]);
  });

  it('keeps any other 400 to a member add a non-retryable rejected error', async () => {
    // Prepare
    const groupId = fake.addGroup('Engineering');
    fake.injectFault({
      kind: 'status',
      status: 400,
      body: { error: { code: 'Request_BadRequest', message: 'An object of this type cannot be added as a member of this group.', innerError: {} } },
    });

    // Act
    const error = await failure(connector.grant('00000000-0000-0000-0000-000000000001', `group:${groupId}`, 'k1'));

    // Assess
    expect(error).toMatchObject({ kind: 'rejected', retryable: false, status: 400 });
  });

  it('removes members with DELETE .../members/{id}/$ref, and a 404 is unchanged', async () => {
    // Prepare
    const groupId = fake.addGroup('Engineering');
    const { account } = await connector.createAccount(person(), 'k1');
    await connector.grant(account.accountId, `group:${groupId}`, 'k2');

    // Act
    const first = await connector.revoke(account.accountId, `group:${groupId}`, 'k3');
    const second = await connector.revoke(account.accountId, `group:${groupId}`, 'k4');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(requestsTo('DELETE', `/v1.0/groups/${groupId}/members/${account.accountId}/$ref`)).toHaveLength(2);
  });

  it('rejects an entitlement that is not "group:<object id>" without calling Graph', async () => {
    // Act
    const error = await failure(connector.revoke('00000000-0000-0000-0000-000000000001', 'group:Engineering', 'k1'));

    // Assess
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(fake.requests).toEqual([]);
  });
});

describe('microsoft-entra connector: listing', () => {
  it('asks for the largest page and follows @odata.nextLink whole', async () => {
    // Prepare
    for (let i = 0; i < 3; i++) await connector.createAccount(person(), `k${i}`);

    // Act
    const first = await connector.listAccounts();
    const second = await connector.listAccounts(first.nextCursor);

    // Assess
    const lists = requestsTo('GET', '/v1.0/users').slice(-2);
    expect(lists[0]?.query.get('$top')).toBe('999');
    expect(first.nextCursor?.startsWith(`${fake.graphBaseUrl}/users?`)).toBe(true);
    expect(lists[1]?.query.get('$skiptoken')).toBe(new URL(first.nextCursor ?? '').searchParams.get('$skiptoken'));
    expect([first.accounts.length, second.accounts.length, second.nextCursor]).toEqual([2, 1, undefined]);
    expect(second.accounts.every((account) => account.active)).toBe(true);
  });

  it('refuses a cursor that points anywhere but the configured Graph, before sending the token', async () => {
    // Prepare
    const spy = vi.fn(fetch);
    connector = connect({}, spy);

    // Act
    const error = await failure(connector.listAccounts('https://attacker.example/v1.0/users?$skiptoken=x'));

    // Assess
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('microsoft-entra connector: definition', () => {
  it('defaults to Graph v1.0 and userName, and rejects unknown settings', () => {
    // Act
    const defaults = microsoftEntraConnector.settingsSchema.parse({});
    const typo = microsoftEntraConnector.settingsSchema.safeParse({ graphBaseURL: 'https://graph.microsoft.us/v1.0' });

    // Assess
    expect(defaults).toEqual({ graphBaseUrl: 'https://graph.microsoft.com/v1.0', userPrincipalNameAttribute: 'userName' });
    expect(typo.success).toBe(false);
    expect(microsoftEntraConnector.create('e', defaults, { accessToken: async () => TOKEN })).toMatchObject({ id: 'e', type: 'microsoft-entra' });
  });
});
