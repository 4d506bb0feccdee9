import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { scimConnector } from '../../../connectors/scim/index.js';
import type { ScimConnector } from '../../../connectors/scim/ScimConnector.js';
import { conformancePerson } from '../../conformance/describeConnectorConformance.js';
import type { FakeRequest } from '../../fakes/FakeServer.js';
import { FakeScimApi } from '../../fakes/scim/FakeScimApi.js';
import { rejection } from '../../support/rejection.js';

const TOKEN = 'scim-unit-token';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let fake: FakeScimApi;

beforeEach(async () => {
  fake = new FakeScimApi({ pageSize: 2 });
  fake.validTokens.add(TOKEN);
  await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

function connector(settings: Record<string, unknown> = {}): ScimConnector {
  const parsed = scimConnector.settingsSchema.parse({ baseUrl: fake.scimBaseUrl, ...settings });
  return scimConnector.create('scim-unit', parsed, { accessToken: async () => TOKEN, timeoutMs: 500 }) as ScimConnector;
}

/** The requests made since `from`, as "METHOD path". */
function calls(from = 0): string[] {
  return fake.requests.slice(from).map((request) => `${request.method} ${request.path}`);
}

function last(method: string): FakeRequest {
  const request = fake.requests.filter((candidate) => candidate.method === method).at(-1);
  if (!request) throw new Error(`no ${method} request`);
  return request;
}

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

describe('scim connector: accounts', () => {
  it('creates a user with an RFC 7643 body of the person’s attributes', async () => {
    // Prepare
    const person = conformancePerson({ userName: 'bjensen@example.com', email: 'barbara@example.com', givenName: 'Barbara', familyName: 'Jensen' });

    // Act
    const { changed, account } = await connector().createAccount(person, 'key-1');

    // Assess
    const post = last('POST');
    expect(post.path).toBe('/scim/v2/Users');
    expect(post.headers['content-type']).toBe('application/scim+json');
    expect(post.headers.accept).toContain('application/scim+json');
    expect(post.body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      userName: 'bjensen@example.com',
      externalId: person.id,
      active: true,
      displayName: person.displayName,
      title: 'Engineer',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'barbara@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'Engineering' },
    });
    expect(changed).toBe(true);
    expect(account).toEqual({
      accountId: expect.any(String),
      userName: 'bjensen@example.com',
      email: 'barbara@example.com',
      active: true,
      entitlements: [],
    });
    expect(fake.user(account.accountId)?.userName).toBe('bjensen@example.com');
  });

  it('resolves a 409 uniqueness on create to the existing user, unchanged, whatever the userName’s case', async () => {
    // Prepare
    const person = conformancePerson();
    const { account } = await connector().createAccount(person, 'key-1');
    const from = fake.requests.length;

    // Act
    const direct = await fetch(`${fake.scimBaseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: person.userName.toUpperCase() }),
    });
    const again = await connector().createAccount({ ...person, userName: person.userName.toUpperCase() }, 'key-2');

    // Assess
    expect(direct.status).toBe(409);
    expect(await direct.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' });
    expect(again).toMatchObject({ changed: false, account: { accountId: account.accountId, active: true } });
    expect(calls(from)).toEqual(['POST /scim/v2/Users', 'POST /scim/v2/Users', 'GET /scim/v2/Users']);
    expect(last('GET').query.get('filter')).toBe(`userName eq "${person.userName.toUpperCase()}"`);
  });

  it('reports a returning person\'s deactivated account as existing without touching it, and enables it when told', async () => {
    // Prepare
    const person = conformancePerson();
    const scim = connector();
    const { account } = await scim.createAccount(person, 'key-1');
    await scim.disableAccount(account.accountId, 'key-2');
    const patches = fake.requests.filter((request) => request.method === 'PATCH').length;

    // Act
    const again = await scim.createAccount(person, 'key-3');
    const patchesOnCreate = fake.requests.filter((request) => request.method === 'PATCH').length - patches;
    const enabled = await scim.enableAccount(account.accountId, 'key-4');

    // Assess
    expect(again).toMatchObject({ changed: false, existing: true, account: { accountId: account.accountId, active: false } });
    expect(patchesOnCreate).toBe(0);
    expect(enabled).toMatchObject({ changed: true, account: { accountId: account.accountId, active: true } });
    expect(last('PATCH').body).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] });
    expect(fake.user(account.accountId)?.active).toBe(true);
  });

  it('reports a 409 that matches nobody as a non-retryable conflict', async () => {
    // Prepare
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', detail: 'email taken' };
    fake.injectFault({ kind: 'status', status: 409, body });

    // Act
    const error = await failure(connector().createAccount(conformancePerson(), 'key-1'));

    // Assess
    expect(error).toMatchObject({ kind: 'conflict', retryable: false, status: 409 });
  });

  it('uses the email as userName when configured to, and refuses a person without one', async () => {
    // Prepare
    const scim = connector({ userNameAttribute: 'email' });
    const person = conformancePerson({ userName: 'bjensen', email: 'barbara.jensen@example.com' });

    // Act
    const { account } = await scim.createAccount(person, 'key-1');
    const found = await scim.findAccount(person);
    const requestsBefore = fake.requests.length;
    const error = await failure(scim.findAccount(conformancePerson({ email: undefined })));

    // Assess
    expect(last('POST').body).toMatchObject({ userName: 'barbara.jensen@example.com' });
    expect(last('GET').query.get('filter')).toBe('userName eq "barbara.jensen@example.com"');
    expect(found?.accountId).toBe(account.accountId);
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(fake.requests.length).toBe(requestsBefore);
  });

  it('writes the filter value as a JSON string, so quotes and backslashes cannot end it early', async () => {
    // Prepare
    const scim = connector();
    const person = conformancePerson({ userName: 'o"brien\\x@example.com' });
    const other = conformancePerson({ userName: 'o' });
    await scim.createAccount(other, 'key-0');
    const { account } = await scim.createAccount(person, 'key-1');

    // Act
    const found = await scim.findAccount(person);

    // Assess
    expect(last('GET').query.get('filter')).toBe('userName eq "o\\"brien\\\\x@example.com"');
    expect(found?.accountId).toBe(account.accountId);
  });

  it('patches only the attributes that changed, and writes nothing when none did', async () => {
    // Prepare
    const scim = connector();
    const person = conformancePerson();
    const { account } = await scim.createAccount(person, 'key-1');
    const moved = { ...person, title: 'Staff Engineer', department: 'Platform', familyName: 'Moved' };
    const from = fake.requests.length;

    // Act
    const updated = await scim.updateAccount(account.accountId, moved, 'key-2');
    const again = await scim.updateAccount(account.accountId, moved, 'key-3');
    const partial = await scim.updateAccount(account.accountId, { ...moved, title: undefined, department: undefined }, 'key-4');

    // Assess
    expect([updated.changed, again.changed, partial.changed]).toEqual([true, false, false]);
    expect(calls(from)).toEqual([
      `GET /scim/v2/Users/${account.accountId}`,
      `PATCH /scim/v2/Users/${account.accountId}`,
      `GET /scim/v2/Users/${account.accountId}`,
      `GET /scim/v2/Users/${account.accountId}`,
    ]);
    expect(last('PATCH').body).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'title', value: 'Staff Engineer' },
        { op: 'replace', path: 'name.familyName', value: 'Moved' },
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Platform' },
      ],
    });
    expect(fake.user(account.accountId)).toMatchObject({
      title: 'Staff Engineer',
      name: { givenName: 'Test', familyName: 'Moved' },
      [ENTERPRISE]: { department: 'Platform' },
    });
  });

  it('replaces the whole user with PUT when configured to, keeping what Perimeter does not manage', async () => {
    // Prepare
    const scim = connector({ updateMethod: 'put' });
    const person = conformancePerson();
    const { account } = await scim.createAccount(person, 'key-1');
    fake.editUser(account.accountId, { nickName: 'babs', phoneNumbers: [{ value: '+1 555 0100', type: 'work' }] });

    // Act
    const updated = await scim.updateAccount(account.accountId, { ...person, email: 'new@example.com' }, 'key-2');

    // Assess
    const put = last('PUT');
    expect(updated.changed).toBe(true);
    expect(put.body).toMatchObject({
      id: account.accountId,
      nickName: 'babs',
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      emails: [{ value: 'new@example.com', type: 'work', primary: true }],
    });
    expect(put.body).not.toHaveProperty('meta');
    expect(put.body).not.toHaveProperty('groups');
    expect(fake.user(account.accountId)).toMatchObject({ nickName: 'babs', emails: [{ value: 'new@example.com' }] });
  });

  it('disables with PATCH active false, and not again', async () => {
    // Prepare
    const scim = connector();
    const { account } = await scim.createAccount(conformancePerson(), 'key-1');
    const from = fake.requests.length;

    // Act
    const first = await scim.disableAccount(account.accountId, 'key-2');
    const second = await scim.disableAccount(account.accountId, 'key-3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(calls(from).filter((call) => call.startsWith('PATCH'))).toHaveLength(1);
    expect(last('PATCH').body).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
    expect(fake.user(account.accountId)?.active).toBe(false);
  });

  it('deletes with DELETE and takes a 404 for "already deleted"', async () => {
    // Prepare
    const scim = connector();
    const { account } = await scim.createAccount(conformancePerson(), 'key-1');
    const from = fake.requests.length;

    // Act
    const first = await scim.deleteAccount(account.accountId, 'key-2');
    const second = await scim.deleteAccount(account.accountId, 'key-3');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(calls(from)).toEqual([`DELETE /scim/v2/Users/${account.accountId}`, `DELETE /scim/v2/Users/${account.accountId}`]);
    expect(fake.user(account.accountId)).toBeUndefined();
  });

  it('reports updating or disabling an account that does not exist as notFound', async () => {
    // Act
    const update = await failure(connector().updateAccount('no-such-user', conformancePerson(), 'key-1'));
    const disable = await failure(connector().disableAccount('no-such-user', 'key-2'));

    // Assess
    expect(update).toMatchObject({ kind: 'notFound', retryable: false, status: 404 });
    expect(disable).toMatchObject({ kind: 'notFound', retryable: false, status: 404 });
  });

  it('treats a 2xx body that is not a SCIM resource as the vendor being unavailable', async () => {
    // Prepare
    fake.injectFault({ kind: 'status', status: 200, body: { message: 'maintenance' } });

    // Act
    const error = await failure(connector().listAccounts());

    // Assess
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, status: 200 });
  });
});

describe('scim connector: group entitlements', () => {
  it('adds a member with PATCH after reading the group, and not twice', async () => {
    // Prepare
    const scim = connector();
    const groupId = fake.addGroup('Engineering');
    const person = conformancePerson();
    const { account } = await scim.createAccount(person, 'key-1');
    const from = fake.requests.length;

    // Act
    const first = await scim.grant(account.accountId, `group:${groupId}`, 'key-2');
    const second = await scim.grant(account.accountId, `group:${groupId}`, 'key-3');
    const found = await scim.findAccount(person);

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(calls(from).slice(0, 3)).toEqual([
      `GET /scim/v2/Groups/${groupId}`,
      `PATCH /scim/v2/Groups/${groupId}`,
      `GET /scim/v2/Groups/${groupId}`,
    ]);
    expect(last('PATCH').body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: account.accountId }] }],
    });
    expect(fake.groupMembers(groupId)).toEqual([account.accountId]);
    expect(found?.entitlements).toEqual([`group:${groupId}`]);
  });

  it('removes a member with a members[value eq "id"] path, and not twice', async () => {
    // Prepare
    const scim = connector();
    const groupId = fake.addGroup('Engineering');
    const { account } = await scim.createAccount(conformancePerson(), 'key-1');
    await scim.grant(account.accountId, `group:${groupId}`, 'key-2');
    const from = fake.requests.length;

    // Act
    const first = await scim.revoke(account.accountId, `group:${groupId}`, 'key-3');
    const second = await scim.revoke(account.accountId, `group:${groupId}`, 'key-4');

    // Assess
    expect([first.changed, second.changed]).toEqual([true, false]);
    expect(calls(from)).toEqual([`GET /scim/v2/Groups/${groupId}`, `PATCH /scim/v2/Groups/${groupId}`, `GET /scim/v2/Groups/${groupId}`]);
    expect(last('PATCH').body).toEqual({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${account.accountId}"]` }] });
    expect(fake.groupMembers(groupId)).toEqual([]);
  });

  it('refuses entitlements it cannot name, grants to unknown groups, and takes a vanished group as revoked', async () => {
    // Prepare
    const scim = connector();
    const { account } = await scim.createAccount(conformancePerson(), 'key-1');

    // Act
    const malformed = await failure(scim.grant(account.accountId, 'team:platform', 'key-2'));
    const unknown = await failure(scim.grant(account.accountId, 'group:no-such-group', 'key-3'));
    const vanished = await scim.revoke(account.accountId, 'group:no-such-group', 'key-4');

    // Assess
    expect(malformed).toMatchObject({ kind: 'rejected', retryable: false });
    expect(unknown).toMatchObject({ kind: 'notFound', retryable: false, status: 404 });
    expect(vanished.changed).toBe(false);
  });
});

describe('scim connector: listing', () => {
  it('pages with startIndex and count, the cursor being the next startIndex', async () => {
    // Prepare
    const scim = connector({ pageSize: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await scim.createAccount(conformancePerson(), `key-${i}`)).account.accountId);
    const from = fake.requests.length;

    // Act
    const first = await scim.listAccounts();
    const second = await scim.listAccounts(first.nextCursor);

    // Assess
    const [firstCall, secondCall] = fake.requests.slice(from);
    expect(Object.fromEntries(firstCall?.query ?? [])).toEqual({ startIndex: '1', count: '50' });
    expect(Object.fromEntries(secondCall?.query ?? [])).toEqual({ startIndex: '3', count: '50' });
    expect(first.accounts.map((account) => account.accountId)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toBe('3');
    expect(second.accounts.map((account) => account.accountId)).toEqual(ids.slice(2));
    expect(second.nextCursor).toBeUndefined();
  });

  it('refuses a cursor that is not a startIndex without calling the app', async () => {
    // Prepare
    const scim = connector();

    // Act
    const errors = [await failure(scim.listAccounts('abc')), await failure(scim.listAccounts('0'))];

    // Assess
    for (const error of errors) expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('scim connector settings', () => {
  it('strips a trailing slash, fills defaults, and refuses unknown keys and non-HTTP URLs', () => {
    // Act
    const parsed = scimConnector.settingsSchema.parse({ baseUrl: 'https://api.example.com/scim/v2/' });
    const typo = scimConnector.settingsSchema.safeParse({ baseUrl: 'https://api.example.com/scim/v2', userNameAtribute: 'email' });
    const ftp = scimConnector.settingsSchema.safeParse({ baseUrl: 'ftp://api.example.com/scim/v2' });

    // Assess
    expect(parsed).toEqual({ baseUrl: 'https://api.example.com/scim/v2', userNameAttribute: 'userName', updateMethod: 'patch', pageSize: 100 });
    expect(typo.success).toBe(false);
    expect(ftp.success).toBe(false);
  });
});
