import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { GitHubConnector } from '../../../connectors/github/GitHubConnector.js';
import { githubRateLimitDelay } from '../../../connectors/github/githubRateLimitDelay.js';
import { githubSettingsSchema } from '../../../connectors/github/githubSettingsSchema.js';
import { githubConnector } from '../../../connectors/github/index.js';
import { nextLink } from '../../../connectors/github/nextLink.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { FakeGitHubApi } from '../../fakes/github/FakeGitHubApi.js';
import type { FakeRequest } from '../../fakes/FakeServer.js';

const TOKEN = 'ghs_unit-test-token';

const person = (userName: string, extra: Partial<PersonSnapshot> = {}): PersonSnapshot => ({
  id: `p-${userName}`,
  userName,
  active: true,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

describe('GitHub connector', () => {
  let fake: FakeGitHubApi;
  let connector: GitHubConnector;
  const connect = (settings: Record<string, unknown> = {}): GitHubConnector =>
    githubConnector.create(
      'github-unit',
      githubSettingsSchema.parse({ org: 'acme', apiBaseUrl: fake.url, loginDomainSuffix: '@example.com', ...settings }),
      { accessToken: async () => TOKEN, timeoutMs: 500 },
    ) as GitHubConnector;
  const writes = (): FakeRequest[] => fake.requests.filter((r) => r.method !== 'GET');

  beforeEach(async () => {
    fake = await new FakeGitHubApi({ org: 'acme', teams: ['platform', 'security'], perPageLimit: 100 }).start();
    fake.validTokens.add(TOKEN);
    connector = connect();
  });
  afterEach(async () => {
    await fake.stop();
  });

  describe('settings', () => {
    it('defaults to api.github.com, the userName attribute and 100 per page', () => {
      // Act
      const settings = githubSettingsSchema.parse({ org: 'acme' });

      // Assess
      expect(settings).toEqual({ org: 'acme', apiBaseUrl: 'https://api.github.com', loginAttribute: 'userName', pageSize: 100 });
    });

    it('accepts a bare domain as the suffix, trims a trailing slash from the base URL, and refuses a bad org', () => {
      // Act
      const settings = githubSettingsSchema.parse({ org: 'acme', apiBaseUrl: 'https://ghe.example.com/api/v3/', loginDomainSuffix: 'example.com' });
      const badOrg = githubSettingsSchema.safeParse({ org: 'acme/evil' });
      const badAttribute = githubSettingsSchema.safeParse({ org: 'acme', loginAttribute: 'active' });

      // Assess
      expect(settings).toMatchObject({ apiBaseUrl: 'https://ghe.example.com/api/v3', loginDomainSuffix: '@example.com' });
      expect(badOrg.success).toBe(false);
      expect(badAttribute.success).toBe(false);
    });
  });

  describe('headers and paths', () => {
    it('invites with PUT /orgs/{org}/memberships/{username} and role member, after looking first, with the documented headers', async () => {
      // Act
      const result = await connector.createAccount(person('alice@example.com'), 'k1');

      // Assess
      expect(result).toMatchObject({ changed: true, account: { accountId: 'alice', userName: 'alice', active: true } });
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /orgs/acme/memberships/alice', 'PUT /orgs/acme/memberships/alice']);
      const put = fake.requests[1];
      expect(put?.body).toEqual({ role: 'member' });
      expect(put?.headers).toMatchObject({
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      });
      expect(put?.headers['user-agent']).toMatch(/perimeter/);
    });

    it('removes with DELETE /orgs/{org}/memberships/{username} and teams with /orgs/{org}/teams/{slug}/memberships/{username}', async () => {
      // Prepare
      fake.addMember('bob');

      // Act
      await connector.grant('bob', 'team:platform', 'k1');
      await connector.revoke('bob', 'team:platform', 'k2');
      await connector.deleteAccount('bob', 'k3');

      // Assess
      expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
        'PUT /orgs/acme/teams/platform/memberships/bob',
        'DELETE /orgs/acme/teams/platform/memberships/bob',
        'DELETE /orgs/acme/memberships/bob',
      ]);
    });

    it('refuses an account id that is not a login before building a URL', async () => {
      // Act
      const error = await rejection(connector.deleteAccount('../../user', 'k1'));

      // Assess
      expect(error).toMatchObject({ kind: 'rejected', retryable: false });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('login mapping', () => {
    it('takes the login from the configured attribute, stripping the domain suffix case-insensitively', async () => {
      // Prepare
      connector = connect({ loginAttribute: 'email' });

      // Act
      const result = await connector.createAccount(person('ignored', { email: 'Carol-Dev@EXAMPLE.com' }), 'k1');

      // Assess
      expect(result.account.accountId).toBe('Carol-Dev');
      expect(fake.orgMembership('carol-dev')).toEqual({ role: 'member', state: 'pending' });
    });

    it('uses a value that already is a login as it is', async () => {
      // Act
      const found = await connector.createAccount(person('octo-cat'), 'k1');

      // Assess
      expect(found.account.accountId).toBe('octo-cat');
    });

    it('rejects, without calling GitHub, a value that is no login once the suffix is removed', async () => {
      // Act
      const otherDomain = await rejection(connector.findAccount(person('dave@other.example')));
      const missing = await rejection(connect({ loginAttribute: 'employeeNumber' }).findAccount(person('dave@example.com')));

      // Assess
      expect(otherDomain).toMatchObject({ kind: 'rejected', retryable: false });
      expect(otherDomain.message).not.toContain('dave');
      expect(missing).toMatchObject({ kind: 'rejected', message: expect.stringContaining('employeeNumber') });
      expect(fake.requests).toHaveLength(0);
    });

    it('reports a login GitHub does not know as notFound', async () => {
      // Prepare
      fake.autoCreateUsers = false;

      // Act
      const error = await rejection(connector.createAccount(person('ghost@example.com'), 'k1'));

      // Assess
      expect(error).toMatchObject({ kind: 'notFound', status: 404, retryable: false });
    });
  });

  describe('pending invitations', () => {
    it('counts a pending invitation as an active account, and finds it again without re-inviting', async () => {
      // Prepare
      await connector.createAccount(person('erin@example.com'), 'k1');

      // Act
      const found = await connector.findAccount(person('erin@example.com'));
      const again = await connector.createAccount(person('erin@example.com'), 'k2');

      // Assess
      expect(fake.orgMembership('erin')?.state).toBe('pending');
      expect(found).toEqual({ accountId: 'erin', userName: 'erin', active: true, entitlements: ['role:member'] });
      expect(again.changed).toBe(false);
      expect(writes()).toHaveLength(1);
    });

    it('lists invitations after members, then the same person as a member once they accept', async () => {
      // Prepare
      fake.addMember('owner', { role: 'admin' });
      await connector.createAccount(person('frank@example.com'), 'k1');

      // Act
      const before = await listAll(connector);
      fake.acceptInvitation('frank');
      const after = await listAll(connector);

      // Assess
      expect(before).toEqual([
        ['owner', 'role:admin'],
        ['frank', 'role:member'],
      ]);
      expect(after).toEqual(before);
      expect(fake.requests.filter((r) => r.path.endsWith('/invitations')).length).toBeGreaterThanOrEqual(2);
    });

    it('does not demote an existing owner when asked to create their account', async () => {
      // Prepare
      fake.addMember('grace', { role: 'admin' });

      // Act
      const result = await connector.createAccount(person('grace@example.com'), 'k1');

      // Assess
      expect(result).toMatchObject({ changed: false, account: { entitlements: ['role:admin'] } });
      expect(fake.orgMembership('grace')?.role).toBe('admin');
      expect(writes()).toHaveLength(0);
    });

    it('cancels a pending invitation on disable, and disable then delete changes nothing more', async () => {
      // Prepare
      await connector.createAccount(person('heidi@example.com'), 'k1');

      // Act
      const disabled = await connector.disableAccount('heidi', 'k2');
      const deleted = await connector.deleteAccount('heidi', 'k3');

      // Assess
      expect([disabled.changed, deleted.changed]).toEqual([true, false]);
      expect(fake.orgMembership('heidi')).toBeUndefined();
      expect(await connector.findAccount(person('heidi@example.com'))).toBeUndefined();
    });
  });

  describe('teams', () => {
    it('checks before PUT: granting an existing team membership writes nothing and keeps a maintainer a maintainer', async () => {
      // Prepare
      fake.addMember('ivan');
      await connector.grant('ivan', 'team:platform', 'k1');
      const writesAfterFirst = writes().length;

      // Act
      const again = await connector.grant('ivan', 'team:platform', 'k2');

      // Assess
      expect(again.changed).toBe(false);
      expect(writesAfterFirst).toBe(1);
      expect(writes()).toHaveLength(1);
      expect(fake.teamMembers('platform')).toEqual(['ivan']);
    });

    it('counts a pending team membership of an invitee as granted', async () => {
      // Prepare
      await connector.createAccount(person('judy@example.com'), 'k1');

      // Act
      const granted = await connector.grant('judy', 'team:security', 'k2');
      const again = await connector.grant('judy', 'team:security', 'k3');

      // Assess
      expect([granted.changed, again.changed]).toEqual([true, false]);
    });

    it('refuses to grant a team to someone outside the organization (a PUT would invite them back)', async () => {
      // Act
      const error = await rejection(connector.grant('mallory', 'team:platform', 'k1'));

      // Assess
      expect(error).toMatchObject({ kind: 'notFound', retryable: false });
      expect(writes()).toHaveLength(0);
      expect(fake.orgMembership('mallory')).toBeUndefined();
    });

    it('revokes a team once, and removing someone from the org removes their teams', async () => {
      // Prepare
      fake.addMember('ken');
      await connector.grant('ken', 'team:platform', 'k1');
      await connector.grant('ken', 'team:security', 'k2');

      // Act
      const revoked = await connector.revoke('ken', 'team:platform', 'k3');
      const again = await connector.revoke('ken', 'team:platform', 'k4');
      await connector.disableAccount('ken', 'k5');

      // Assess
      expect([revoked.changed, again.changed]).toEqual([true, false]);
      expect(fake.teamMembers('platform')).toEqual([]);
      expect(fake.teamMembers('security')).toEqual([]);
    });

    it('reports an unknown team as notFound', async () => {
      // Prepare
      fake.addMember('leo');

      // Act
      const error = await rejection(connector.grant('leo', 'team:no-such-team', 'k1'));

      // Assess
      expect(error).toMatchObject({ kind: 'notFound', status: 404 });
    });
  });

  describe('roles', () => {
    it('grants role:admin through the membership role, once', async () => {
      // Prepare
      fake.addMember('mia');

      // Act
      const granted = await connector.grant('mia', 'role:admin', 'k1');
      const again = await connector.grant('mia', 'role:admin', 'k2');

      // Assess
      expect([granted.changed, again.changed]).toEqual([true, false]);
      expect(fake.orgMembership('mia')?.role).toBe('admin');
      expect(writes().map((r) => r.body)).toEqual([{ role: 'admin' }]);
    });

    it('revokes role:admin by making the owner a member; role:member cannot be revoked on its own', async () => {
      // Prepare
      fake.addMember('ned', { role: 'admin' });

      // Act
      const revoked = await connector.revoke('ned', 'role:admin', 'k1');
      const again = await connector.revoke('ned', 'role:admin', 'k2');
      const memberRevoke = await rejection(connector.revoke('ned', 'role:member', 'k3'));

      // Assess
      expect([revoked.changed, again.changed]).toEqual([true, false]);
      expect(fake.orgMembership('ned')).toEqual({ role: 'member', state: 'active' });
      expect(memberRevoke).toMatchObject({ kind: 'rejected', retryable: false });
    });

    it('rejects entitlements outside its vocabulary', async () => {
      // Act
      const errors = await Promise.all(['repo:x', 'role:billing_manager', 'team:', 'team:a:b'].map((e) => rejection(connector.grant('olga', e, 'k'))));

      // Assess
      for (const error of errors) expect(error).toMatchObject({ kind: 'rejected', retryable: false });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('updateAccount', () => {
    it('writes nothing (a membership holds no profile) but fails for a vanished membership or a changed login', async () => {
      // Prepare
      fake.addMember('pat');

      // Act
      const updated = await connector.updateAccount('pat', person('pat@example.com', { title: 'Boss' }), 'k1');
      const renamed = await rejection(connector.updateAccount('pat', person('patricia@example.com'), 'k2'));
      const vanished = await rejection(connector.updateAccount('quinn', person('quinn@example.com'), 'k3'));

      // Assess
      expect(updated).toEqual({ changed: false, account: { accountId: 'pat', userName: 'pat', active: true, entitlements: ['role:member'] } });
      expect(renamed).toMatchObject({ kind: 'rejected' });
      expect(vanished).toMatchObject({ kind: 'notFound' });
      expect(writes()).toHaveLength(0);
    });
  });

  describe('listing', () => {
    it('follows the rel="next" links GitHub builds (on /organizations/{id}) and sends the configured per_page', async () => {
      // Prepare
      fake.perPageLimit = 100;
      for (const login of ['u1', 'u2', 'u3']) fake.addMember(login);
      connector = connect({ pageSize: 2 });

      // Act
      const first = await connector.listAccounts();
      const second = await connector.listAccounts(first.nextCursor);
      const third = await connector.listAccounts(second.nextCursor);

      // Assess
      const [admins, members, membersPage2] = fake.requests;
      expect(admins?.path).toBe('/orgs/acme/members');
      expect(Object.fromEntries(admins?.query ?? [])).toEqual({ role: 'admin', per_page: '2' });
      expect(members?.query.get('role')).toBe('member');
      expect(membersPage2?.path).toMatch(/^\/organizations\/\d+\/members$/);
      expect(Object.fromEntries(membersPage2?.query ?? [])).toEqual({ role: 'member', per_page: '2', page: '2' });
      expect(first.accounts).toEqual([]);
      expect(second.accounts.map((a) => a.accountId)).toEqual(['u1', 'u2']);
      expect(third.accounts).toEqual([{ accountId: 'u3', userName: 'u3', active: true, entitlements: ['role:member'] }]);
    });

    it('ends after the last invitations page', async () => {
      // Act
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await connector.listAccounts(cursor);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor !== undefined && pages.length < 10);

      // Assess
      expect(pages).toHaveLength(3);
      expect(pages.at(-1)?.nextCursor).toBeUndefined();
    });

    it('refuses a cursor pointing anywhere but the configured API, so the token never leaves', async () => {
      // Act
      const foreign = await rejection(connector.listAccounts('members:https://evil.example/orgs/acme/members'));
      const garbage = await rejection(connector.listAccounts('nonsense'));

      // Assess
      expect(foreign).toMatchObject({ kind: 'rejected' });
      expect(garbage).toMatchObject({ kind: 'rejected' });
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('rate limits', () => {
    it('maps primary exhaustion (403, x-ratelimit-remaining 0) to rateLimited until x-ratelimit-reset', async () => {
      // Prepare
      const resetAt = Math.floor(Date.now() / 1000) + 120;
      fake.limitPrimaryRate(1, { resetAt, status: 403 });
      await connector.findAccount(person('rita@example.com'));

      // Act
      const error = await rejection(connector.findAccount(person('rita@example.com')));

      // Assess
      expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, status: 403 });
      expect(error.retryAfterMs).toBeGreaterThan(115_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
    });

    it('maps primary exhaustion sent as 429 the same way', async () => {
      // Prepare
      fake.limitPrimaryRate(0, { resetAt: Math.floor(Date.now() / 1000) + 30, status: 429 });

      // Act
      const error = await rejection(connector.listAccounts());

      // Assess
      expect(error).toMatchObject({ kind: 'rateLimited', status: 429 });
      expect(error.retryAfterMs).toBeGreaterThan(25_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it('maps a secondary limit (403 or 429 with retry-after) to rateLimited with that wait', async () => {
      // Prepare
      fake.triggerSecondaryRateLimit({ status: 403, retryAfterSeconds: 42 });
      fake.triggerSecondaryRateLimit({ status: 429, retryAfterSeconds: 5 });

      // Act
      const as403 = await rejection(connector.findAccount(person('sam@example.com')));
      const as429 = await rejection(connector.findAccount(person('sam@example.com')));

      // Assess
      expect(as403).toMatchObject({ kind: 'rateLimited', retryable: true, status: 403, retryAfterMs: 42_000 });
      expect(as429).toMatchObject({ kind: 'rateLimited', retryable: true, status: 429, retryAfterMs: 5_000 });
    });

    it('waits a minute on a secondary limit that names no wait, as GitHub advises', async () => {
      // Prepare
      fake.triggerSecondaryRateLimit({ status: 403 });

      // Act
      const error = await rejection(connector.findAccount(person('tom@example.com')));

      // Assess
      expect(error).toMatchObject({ kind: 'rateLimited', retryAfterMs: 60_000 });
    });

    it('treats a plain 403 (rate headers present, remaining above 0) as a non-retryable auth error without echoing the body', async () => {
      // Prepare
      fake.rejectNext(403, 'Resource not accessible by integration');

      // Act
      const error = await rejection(connector.createAccount(person('uma@example.com'), 'k1'));

      // Assess
      expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 403, retryAfterMs: undefined });
      expect(error.message).not.toContain('Resource not accessible');
      expect(error.message).not.toContain(TOKEN);
    });

    it('still refuses to retry a 403 whose body is not JSON', async () => {
      // Prepare: a proxy's HTML page, which the fake (always JSON) cannot send
      const proxied = new GitHubConnector('github-unit', githubSettingsSchema.parse({ org: 'acme' }), {
        accessToken: async () => TOKEN,
        fetch: async () => new Response('<html>Forbidden</html>', { status: 403, headers: { 'content-type': 'text/html' } }),
      });

      // Act
      const error = await rejection(proxied.findAccount(person('vic')));

      // Assess
      expect(error).toMatchObject({ kind: 'auth', retryable: false, status: 403 });
    });

    it('githubRateLimitDelay prefers retry-after, then the reset of an exhausted limit, and ignores reset alone', () => {
      // Prepare
      const now = 1_700_000_000_000;
      const headers = (entries: Record<string, string>): Headers => new Headers(entries);

      // Act
      const results = [
        githubRateLimitDelay(403, headers({ 'retry-after': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000100' }), {}, now),
        githubRateLimitDelay(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000100' }), {}, now),
        githubRateLimitDelay(403, headers({ 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': '1700000100' }), { message: 'Must have admin rights' }, now),
        githubRateLimitDelay(429, headers({}), undefined, now),
        githubRateLimitDelay(404, headers({ 'retry-after': '3' }), {}, now),
      ];

      // Assess
      expect(results).toEqual([3_000, 100_000, undefined, 60_000, undefined]);
    });
  });

  describe('nextLink', () => {
    it('reads rel="next" from the header GitHub documents, in any position, and nothing from a last page', () => {
      // Prepare
      const documented =
        '<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"';
      const last = '<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=2>; rel="prev"';

      // Act & Assess
      expect(nextLink(documented)).toBe('https://api.github.com/repositories/1300192/issues?page=4');
      expect(nextLink(last)).toBeUndefined();
      expect(nextLink(null)).toBeUndefined();
    });
  });
});

/** Every account the connector lists, as [login, role entitlement], across all pages. */
async function listAll(connector: GitHubConnector): Promise<[string, string | undefined][]> {
  const accounts: [string, string | undefined][] = [];
  let cursor: string | undefined;
  do {
    const page = await connector.listAccounts(cursor);
    for (const account of page.accounts) accounts.push([account.accountId, account.entitlements?.[0]]);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return accounts;
}
