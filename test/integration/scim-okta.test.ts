import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import { loadFixture } from '../support/loadFixture.js';
import { type ScimReply, type ScimRequestInit, startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

// Okta's SCIM 2.0 provisioning flow, request for request, as "Okta and SCIM Version 2.0" documents it
// (payloads in test/fixtures/okta, see the README there). The documented ids are swapped for the ones
// each test creates; everything else is sent as Okta sends it.

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_JSON = /^application\/scim\+json(;|$)/;
const DOC_USER_ID = '23a35c27-23d3-4c03-b4c5-6443c09e7173';
const DOC_OTHER_USER_ID = '89bb1940-b905-4575-9e7f-6f887cfb368e';
const DOC_GROUP_ID = 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b';
const DOC_PASSWORD = '1mz050nq';
const OKTA_HEADERS = { 'user-agent': 'Okta SCIM Client 1.0.0', accept: 'application/scim+json' };

describe('Okta SCIM 2.0 provisioning (developer.okta.com "Okta and SCIM Version 2.0")', () => {
  let perimeter: TestPerimeter;
  let base: string;

  beforeAll(async () => {
    perimeter = await startTestPerimeter();
    base = `${perimeter.url}/scim/v2`;
  });
  afterAll(async () => {
    await perimeter?.stop();
  });

  const okta = (path: string, init: ScimRequestInit = {}): Promise<ScimReply> =>
    perimeter.scim(path, { ...init, headers: { ...OKTA_HEADERS, ...init.headers } });
  const userNameFilter = (userName: string): string =>
    `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;
  const displayNameFilter = (displayName: string): string =>
    `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}&startIndex=1&count=100`;
  const personEvents = (id: string): Promise<LedgerEvent[]> => perimeter.stores.ledger.chain(`person#${id}`);
  const groupEvents = (id: string): Promise<LedgerEvent[]> => perimeter.stores.ledger.chain(`group#${id}`);

  /** Okta's documented create request for another person (own userName, email and Okta user id). */
  async function provisionUser(userName: string): Promise<string> {
    const body = loadFixture('okta/create-user.json', {
      'test.user@okta.local': userName,
      '00ujl29u0le5T6Aj10h7': `00u-${userName}`,
    });
    const created = await okta('/Users', { method: 'POST', body });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  /** Okta's documented group push, under another name. */
  async function pushGroup(displayName: string): Promise<string> {
    const created = await okta('/Groups', { method: 'POST', body: loadFixture('okta/create-group.json', { 'Test SCIMv2': displayName }) });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function addMember(groupId: string, userId: string): Promise<void> {
    const body = loadFixture('okta/patch-group-add-member.json', { [DOC_USER_ID]: userId });
    const patched = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });
    expect(patched.status).toBe(200);
  }

  describe('users', () => {
    it('answers the existence check with an empty ListResponse, then creates the user from the documented POST', async () => {
      // Prepare
      const emptyList = loadFixture('okta/list-users-empty-response.json');
      const payload = loadFixture('okta/create-user.json');

      // Act
      const lookup = await okta('/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
      const created = await okta('/Users', { method: 'POST', body: payload });
      const lookupAgain = await okta(userNameFilter('test.user@okta.local'));

      // Assess
      expect(lookup.status).toBe(200);
      expect(lookup.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(lookup.body).toEqual(emptyList);

      const id = created.body.id as string;
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.headers.get('location')).toBe(`${base}/Users/${id}`);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect(created.body).toMatchObject({
        schemas: [USER_SCHEMA],
        id,
        userName: 'test.user@okta.local',
        name: { givenName: 'Test', familyName: 'User' },
        emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
        displayName: 'Test User',
        locale: 'en-US',
        externalId: '00ujl29u0le5T6Aj10h7',
        active: true,
        meta: { resourceType: 'User', location: `${base}/Users/${id}`, version: 'W/"1"' },
      });
      expect(created.body.meta.created).toBe(created.body.meta.lastModified);
      expect(created.body).not.toHaveProperty('password');
      expect(JSON.stringify(created.body)).not.toContain(DOC_PASSWORD);
      const stored = await perimeter.stores.directory.getUser(id);
      expect(JSON.stringify(stored)).not.toContain(DOC_PASSWORD);

      expect(lookupAgain.status).toBe(200);
      expect(lookupAgain.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
      expect(lookupAgain.body.Resources).toEqual([created.body]);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner']);
      expect(events[0]).toMatchObject({ personId: id, outcome: 'recorded', source: { channel: 'scim' } });
      expect(events[0]?.before).toBeNull();
      expect(events[0]?.after).toEqual({
        id,
        userName: 'test.user@okta.local',
        externalId: '00ujl29u0le5T6Aj10h7',
        active: true,
        displayName: 'Test User',
        givenName: 'Test',
        familyName: 'User',
        email: 'test.user@okta.local',
      });
      expect(JSON.stringify(events)).not.toContain(DOC_PASSWORD);
    });

    it('returns a specific user by id with its ETag, and 404 in the SCIM error schema for an unknown id', async () => {
      // Prepare
      const id = await provisionUser('get.user@okta.local');

      // Act
      const found = await okta(`/Users/${id}`);
      const missing = await okta(`/Users/${DOC_USER_ID}`);

      // Assess
      expect(found.status).toBe(200);
      expect(found.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(found.headers.get('etag')).toBe('W/"1"');
      expect(found.body).toMatchObject({ id, userName: 'get.user@okta.local', active: true, meta: { version: 'W/"1"' } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(missing.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: expect.any(String) });
    });

    it('applies a profile update the documented way: GET the user, then PUT it back with the changed attributes', async () => {
      // Prepare
      const id = await provisionUser('put.user@okta.local');
      const documented = loadFixture('okta/put-user.json');

      // Act
      const current = await okta(`/Users/${id}`);
      const replaced = await okta(`/Users/${id}`, {
        method: 'PUT',
        body: { ...current.body, name: documented.name, groups: documented.groups },
      });
      const fetched = await okta(`/Users/${id}`);

      // Assess
      expect(current.status).toBe(200);
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(replaced.headers.get('etag')).toBe('W/"2"');
      expect(replaced.body).toMatchObject({
        id,
        userName: 'put.user@okta.local',
        name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
        displayName: 'Test User',
        locale: 'en-US',
        externalId: '00u-put.user@okta.local',
        active: true,
        meta: { version: 'W/"2"', created: current.body.meta.created },
      });
      expect(fetched.body).toEqual(replaced.body);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.before).toMatchObject({ givenName: 'Test', familyName: 'User', active: true });
      expect(events[1]?.after).toMatchObject({ givenName: 'Another', familyName: 'User', active: true });
      expect(events[1]?.detail).toEqual({ changes: ['givenName'] });
    });

    it("accepts Okta's documented PUT body verbatim (id, meta, groups and emails[].display in the request)", async () => {
      // Prepare
      const id = await provisionUser('verbatim.user@okta.local');
      const body = loadFixture('okta/put-user.json', { [DOC_USER_ID]: id, 'test.user@okta.local': 'verbatim.user@okta.local' });

      // Act
      const replaced = await okta(`/Users/${id}`, { method: 'PUT', body });

      // Assess
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('etag')).toBe('W/"2"');
      expect(replaced.body).toMatchObject({
        schemas: [USER_SCHEMA],
        id,
        userName: 'verbatim.user@okta.local',
        name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
        emails: [{ primary: true, value: 'verbatim.user@okta.local', type: 'work' }],
        active: true,
        meta: { resourceType: 'User', location: `${base}/Users/${id}`, version: 'W/"2"' },
      });
      expect(replaced.body).not.toHaveProperty('groups');
      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.after).toMatchObject({ id, givenName: 'Another', active: true });
    });

    it('deactivates with PATCH replace {active:false}, keeps the user readable, and reactivates with {active:true}', async () => {
      // Prepare
      const id = await provisionUser('leaver.user@okta.local');

      // Act
      const deactivated = await okta(`/Users/${id}`, { method: 'PATCH', body: loadFixture('okta/patch-user-deactivate.json') });
      const fetched = await okta(`/Users/${id}`);
      const matched = await okta(userNameFilter('leaver.user@okta.local'));
      const reactivated = await okta(`/Users/${id}`, { method: 'PATCH', body: loadFixture('okta/patch-user-reactivate.json') });

      // Assess
      expect(deactivated.status).toBe(200);
      expect(deactivated.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(deactivated.headers.get('etag')).toBe('W/"2"');
      expect(deactivated.body).toMatchObject({ id, userName: 'leaver.user@okta.local', active: false, meta: { version: 'W/"2"' } });
      expect(fetched.status).toBe(200);
      expect(fetched.body.active).toBe(false);
      expect(matched.body.totalResults).toBe(1);
      expect(matched.body.Resources[0]).toMatchObject({ id, active: false });
      expect(reactivated.status).toBe(200);
      expect(reactivated.headers.get('etag')).toBe('W/"3"');
      expect(reactivated.body.active).toBe(true);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.leaver', 'lifecycle.joiner']);
      expect(events[1]?.before).toMatchObject({ id, active: true });
      expect(events[1]?.after).toMatchObject({ id, active: false, email: 'leaver.user@okta.local' });
      expect(events[1]?.detail?.changes).toEqual(['active']);
      expect(events[2]?.before).toMatchObject({ active: false });
      expect(events[2]?.after).toMatchObject({ active: true });
      expect(events[2]?.detail?.changes).toEqual(['active']);
    });

    it('treats a repeated deactivation (an Okta retry) as a no-op: same version, nothing more recorded', async () => {
      // Prepare
      const id = await provisionUser('retry.user@okta.local');
      await okta(`/Users/${id}`, { method: 'PATCH', body: loadFixture('okta/patch-user-deactivate.json') });

      // Act
      const repeated = await okta(`/Users/${id}`, { method: 'PATCH', body: loadFixture('okta/patch-user-deactivate.json') });

      // Assess
      expect(repeated.status).toBe(200);
      expect(repeated.headers.get('etag')).toBe('W/"2"');
      expect(repeated.body.active).toBe(false);
      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.leaver']);
    });

    it('deactivates and reactivates with a PUT of the whole user (App Integration Wizard integrations)', async () => {
      // Prepare
      const id = await provisionUser('aiw.user@okta.local');
      const current = await okta(`/Users/${id}`);

      // Act
      const deactivated = await okta(`/Users/${id}`, { method: 'PUT', body: { ...current.body, active: false } });
      const reactivated = await okta(`/Users/${id}`, { method: 'PUT', body: { ...deactivated.body, active: true } });

      // Assess
      expect(deactivated.status).toBe(200);
      expect(deactivated.headers.get('etag')).toBe('W/"2"');
      expect(deactivated.body).toMatchObject({ id, active: false, displayName: 'Test User', externalId: '00u-aiw.user@okta.local' });
      expect(reactivated.status).toBe(200);
      expect(reactivated.headers.get('etag')).toBe('W/"3"');
      expect(reactivated.body.active).toBe(true);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.leaver', 'lifecycle.joiner']);
      expect(events[1]?.detail?.changes).toEqual(['active']);
      expect(events[1]?.before).toMatchObject({ active: true, displayName: 'Test User' });
      expect(events[1]?.after).toMatchObject({ active: false, displayName: 'Test User' });
    });

    it('imports users page by page (startIndex/count) in the same order as one full page', async () => {
      // Prepare
      for (const userName of ['page.one@okta.local', 'page.two@okta.local', 'page.three@okta.local']) await provisionUser(userName);
      const full = await okta('/Users?startIndex=1&count=100');
      const total = full.body.totalResults as number;

      // Act
      const pages: ScimReply[] = [];
      for (let startIndex = 1; startIndex <= total; startIndex += 2) pages.push(await okta(`/Users?startIndex=${startIndex}&count=2`));

      // Assess
      expect(full.status).toBe(200);
      expect(total).toBeGreaterThanOrEqual(3);
      expect(full.body).toMatchObject({ schemas: [LIST_SCHEMA], startIndex: 1, itemsPerPage: total });
      pages.forEach((page, index) => {
        expect(page.status).toBe(200);
        expect(page.body).toMatchObject({ totalResults: total, startIndex: 1 + index * 2, itemsPerPage: page.body.Resources.length });
        expect(typeof page.body.itemsPerPage).toBe('number');
      });
      const paged = pages.flatMap((page) => page.body.Resources.map((user: { id: string }) => user.id));
      expect(paged).toEqual(full.body.Resources.map((user: { id: string }) => user.id));
    });

    it('answers a second create for a taken userName (in any case) with 409 uniqueness in the SCIM error schema', async () => {
      // Prepare
      const id = await provisionUser('dupe.user@okta.local');
      const again = loadFixture('okta/create-user.json', { 'test.user@okta.local': 'dupe.user@okta.local' });
      const otherCase = loadFixture('okta/create-user.json', { 'test.user@okta.local': 'DUPE.User@okta.local' });

      // Act
      const conflict = await okta('/Users', { method: 'POST', body: again });
      const conflictOtherCase = await okta('/Users', { method: 'POST', body: otherCase });
      const matched = await okta(userNameFilter('dupe.user@okta.local'));

      // Assess
      for (const reply of [conflict, conflictOtherCase]) {
        expect(reply.status).toBe(409);
        expect(reply.headers.get('content-type')).toMatch(SCIM_JSON);
        expect(reply.body).toEqual({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness', detail: expect.any(String) });
      }
      expect(matched.body.totalResults).toBe(1);
      expect(matched.body.Resources[0].id).toBe(id);
      expect((await personEvents(id)).map((event) => event.type)).toEqual(['lifecycle.joiner']);
    });
  });

  describe('groups', () => {
    it('pushes a group: existence check by displayName, POST with members: [], GET by id', async () => {
      // Prepare
      const emptyList = loadFixture('okta/list-users-empty-response.json');
      const payload = loadFixture('okta/create-group.json');

      // Act
      const lookup = await okta(displayNameFilter('Test SCIMv2'));
      const created = await okta('/Groups', { method: 'POST', body: payload });
      const id = created.body.id as string;
      const lookupAgain = await okta(displayNameFilter('Test SCIMv2'));
      const fetched = await okta(`/Groups/${id}`);

      // Assess
      expect(lookup.status).toBe(200);
      expect(lookup.body).toEqual(emptyList);
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(created.headers.get('location')).toBe(`${base}/Groups/${id}`);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect(created.body).toMatchObject({
        schemas: [GROUP_SCHEMA],
        id,
        displayName: 'Test SCIMv2',
        meta: { resourceType: 'Group', location: `${base}/Groups/${id}`, version: 'W/"1"' },
      });
      expect(created.body.members ?? []).toEqual([]);
      expect(lookupAgain.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, itemsPerPage: 1 });
      expect(lookupAgain.body.Resources).toEqual([created.body]);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('etag')).toBe('W/"1"');
      expect(fetched.body).toEqual(created.body);

      const events = await groupEvents(id);
      expect(events.map((event) => event.type)).toEqual(['group.created']);
      expect(events[0]?.after).toEqual({ displayName: 'Test SCIMv2' });
    });

    it("adds a member with PATCH add (value and display); the user's groups and ledger reflect it", async () => {
      // Prepare
      const userId = await provisionUser('member.add@okta.local');
      const groupId = await pushGroup('Okta Add');
      const body = loadFixture('okta/patch-group-add-member.json', { [DOC_USER_ID]: userId });

      // Act
      const patched = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });
      const user = await okta(`/Users/${userId}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body.members).toEqual([{ value: userId, $ref: `${base}/Users/${userId}`, type: 'User', display: 'Test User' }]);
      expect(user.body.groups).toEqual([{ value: groupId, $ref: `${base}/Groups/${groupId}`, display: 'Okta Add', type: 'direct' }]);
      expect(user.headers.get('etag')).toBe('W/"1"');

      const events = await personEvents(userId);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.detail).toEqual({ changes: ['groups'], groupsAdded: [{ id: groupId, displayName: 'Okta Add' }] });
      expect(events[1]?.before).toEqual(events[0]?.after);
      expect(events[1]?.after).toEqual(events[0]?.after);
      const audit = await groupEvents(groupId);
      expect(audit.at(-1)).toMatchObject({ type: 'group.updated', detail: { membersAdded: [userId], membersRemoved: [] } });
    });

    it('removes a member with PATCH remove members[value eq "id"]', async () => {
      // Prepare
      const userId = await provisionUser('member.remove@okta.local');
      const groupId = await pushGroup('Okta Remove');
      await addMember(groupId, userId);
      const body = loadFixture('okta/patch-group-remove-member.json', { [DOC_OTHER_USER_ID]: userId });

      // Act
      const patched = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });
      const user = await okta(`/Users/${userId}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(patched.body.members ?? []).toEqual([]);
      expect(user.body).not.toHaveProperty('groups');

      const events = await personEvents(userId);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.mover']);
      expect(events[2]?.detail).toEqual({ changes: ['groups'], groupsRemoved: [{ id: groupId, displayName: 'Okta Remove' }] });
    });

    it("applies Okta's documented membership request (remove one member, add another) in one write", async () => {
      // Prepare
      const joining = await provisionUser('member.joining@okta.local');
      const leaving = await provisionUser('member.leaving@okta.local');
      const groupId = await pushGroup('Okta Swap');
      await addMember(groupId, leaving);
      const body = loadFixture('okta/patch-group-members.json', { [DOC_USER_ID]: joining, [DOC_OTHER_USER_ID]: leaving });

      // Act
      const patched = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });
      const joiningUser = await okta(`/Users/${joining}`);
      const leavingUser = await okta(`/Users/${leaving}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(patched.body.members.map((member: { value: string }) => member.value)).toEqual([joining]);
      expect(joiningUser.body.groups).toEqual([expect.objectContaining({ value: groupId, display: 'Okta Swap' })]);
      expect(leavingUser.body).not.toHaveProperty('groups');

      expect((await personEvents(joining)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsAdded: [{ id: groupId, displayName: 'Okta Swap' }],
      });
      expect((await personEvents(leaving)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsRemoved: [{ id: groupId, displayName: 'Okta Swap' }],
      });
      const audit = await groupEvents(groupId);
      expect(audit.map((event) => event.type)).toEqual(['group.created', 'group.updated', 'group.updated']);
      expect(audit[2]?.detail).toEqual({ membersAdded: [joining], membersRemoved: [leaving] });
    });

    it('replaces the whole membership with PATCH replace path "members" (a full push)', async () => {
      // Prepare
      const first = await provisionUser('push.first@okta.local');
      const second = await provisionUser('push.second@okta.local');
      const dropped = await provisionUser('push.dropped@okta.local');
      const groupId = await pushGroup('Okta Full Push');
      await addMember(groupId, dropped);
      const body = loadFixture('okta/patch-group-replace-members.json', { [DOC_USER_ID]: first, [DOC_OTHER_USER_ID]: second });

      // Act
      const patched = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(patched.body.members.map((member: { value: string }) => member.value).sort()).toEqual([first, second].sort());
      for (const userId of [first, second]) {
        expect((await personEvents(userId)).at(-1)?.detail).toEqual({
          changes: ['groups'],
          groupsAdded: [{ id: groupId, displayName: 'Okta Full Push' }],
        });
      }
      expect((await personEvents(dropped)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsRemoved: [{ id: groupId, displayName: 'Okta Full Push' }],
      });
      expect((await okta(`/Users/${dropped}`)).body).not.toHaveProperty('groups');
    });

    it("renames a group with Okta's PATCH (replace without path, value carrying the group's id) and keeps its members", async () => {
      // Prepare
      const userId = await provisionUser('rename.member@okta.local');
      const groupId = await pushGroup('Okta Rename');
      await addMember(groupId, userId);
      const body = loadFixture('okta/patch-group-rename.json', { [DOC_GROUP_ID]: groupId, 'Test SCIMv2': 'Okta Renamed' });

      // Act
      const renamed = await okta(`/Groups/${groupId}`, { method: 'PATCH', body });
      const user = await okta(`/Users/${userId}`);
      const byNewName = await okta(displayNameFilter('Okta Renamed'));
      const byOldName = await okta(displayNameFilter('Okta Rename'));

      // Assess
      expect(renamed.status).toBe(200);
      expect(renamed.headers.get('etag')).toBe('W/"3"');
      expect(renamed.body).toMatchObject({ id: groupId, displayName: 'Okta Renamed', meta: { version: 'W/"3"' } });
      expect(renamed.body.members).toEqual([expect.objectContaining({ value: userId, type: 'User' })]);
      expect(user.body.groups).toEqual([expect.objectContaining({ value: groupId, display: 'Okta Renamed' })]);
      expect(byNewName.body.totalResults).toBe(1);
      expect(byOldName.body.totalResults).toBe(0);

      const audit = await groupEvents(groupId);
      expect(audit.at(-1)).toMatchObject({
        type: 'group.updated',
        before: { displayName: 'Okta Rename' },
        after: { displayName: 'Okta Renamed' },
        detail: { membersAdded: [], membersRemoved: [] },
      });
      expect((await personEvents(userId)).map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
    });

    it('updates membership with the PUT /Groups Okta sends for App Integration Wizard integrations', async () => {
      // Prepare
      const userId = await provisionUser('aiw.member@okta.local');
      const groupId = await pushGroup('Okta AIW');
      const body = loadFixture('okta/put-group.json', { [DOC_USER_ID]: userId, 'Test SCIMv2': 'Okta AIW' });

      // Act
      const replaced = await okta(`/Groups/${groupId}`, { method: 'PUT', body });

      // Assess
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('etag')).toBe('W/"2"');
      expect(replaced.body).toMatchObject({ id: groupId, displayName: 'Okta AIW' });
      expect(replaced.body.members).toEqual([expect.objectContaining({ value: userId, type: 'User' })]);
      expect((await personEvents(userId)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsAdded: [{ id: groupId, displayName: 'Okta AIW' }],
      });
    });

    it('deletes a pushed group: 204 without a body, then 404; its members lose it and get a mover event', async () => {
      // Prepare
      const userId = await provisionUser('delete.member@okta.local');
      const groupId = await pushGroup('Okta Delete');
      await addMember(groupId, userId);

      // Act
      const deleted = await okta(`/Groups/${groupId}`, { method: 'DELETE' });
      const fetched = await okta(`/Groups/${groupId}`);
      const listed = await okta(displayNameFilter('Okta Delete'));
      const user = await okta(`/Users/${userId}`);

      // Assess
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(fetched.status).toBe(404);
      expect(fetched.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(fetched.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: expect.any(String) });
      expect(listed.body.totalResults).toBe(0);
      expect(user.status).toBe(200);
      expect(user.body).not.toHaveProperty('groups');

      const events = await personEvents(userId);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.mover']);
      expect(events[2]?.detail).toEqual({ changes: ['groups'], groupsRemoved: [{ id: groupId, displayName: 'Okta Delete' }] });
      const audit = await groupEvents(groupId);
      expect(audit.at(-1)).toMatchObject({
        type: 'group.deleted',
        before: { displayName: 'Okta Delete' },
        detail: { membersRemoved: [userId] },
      });
    });
  });
});
