import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import { loadFixture } from '../support/loadFixture.js';
import { type ScimReply, type ScimRequestInit, startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

// Microsoft Entra ID's provisioning service, request for request, as Microsoft documents it in the
// SCIM endpoint tutorial and the SCIM 2.0 compliance known-issues page (payloads in
// test/fixtures/entra, see the README there): capitalised ops, "True"/"False" strings, path-less
// replaces keyed by attribute paths, the manager as a bare id, "$ref": null member values.

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_JSON = /^application\/scim\+json(;|$)/;
const DOC_USER_NAME = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1';
const DOC_EXTERNAL_ID = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef';
const DOC_EMAIL = 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com';
const DOC_MANAGER_ID = '2819c223-7f76-453a-919d-413861904646';
const DOC_MEMBER_ID = 'f648f8d5ea4e4cd38e9c';
const DOC_FLAGGED_MEMBER_ID = '7f4bc1a3-285e-48ae-8202-5accb43efb0e';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('Microsoft Entra ID provisioning (learn.microsoft.com SCIM tutorial and known issues)', () => {
  let perimeter: TestPerimeter;
  let base: string;

  beforeAll(async () => {
    perimeter = await startTestPerimeter();
    base = `${perimeter.url}/scim/v2`;
  });
  afterAll(async () => {
    await perimeter?.stop();
  });

  const entra = (path: string, init: ScimRequestInit = {}): Promise<ScimReply> => perimeter.scim(path, init);
  const patch = (path: string, body: unknown): Promise<ScimReply> => entra(path, { method: 'PATCH', body });
  const filtered = (collection: 'Users' | 'Groups', filter: string, extra = ''): Promise<ScimReply> =>
    entra(`/${collection}?${extra}filter=${encodeURIComponent(filter)}`);
  const personEvents = (id: string): Promise<LedgerEvent[]> => perimeter.stores.ledger.chain(`person#${id}`);
  const groupEvents = (id: string): Promise<LedgerEvent[]> => perimeter.stores.ledger.chain(`group#${id}`);
  const memberIds = (group: ScimReply): string[] =>
    ((group.body.members ?? []) as { value: string }[]).map((member) => member.value).sort();

  /** The tutorial's create request for another person; without a manager unless one is given. */
  // biome-ignore lint: test convenience, shape asserted by each test
  function userPayload(userName: string, managerId?: string): any {
    const body = loadFixture('entra/create-user.json', {
      [DOC_USER_NAME]: userName,
      [DOC_EXTERNAL_ID]: `ext-${userName}`,
      [DOC_EMAIL]: `mail.${userName}`,
      [DOC_MANAGER_ID]: managerId ?? DOC_MANAGER_ID,
    });
    if (managerId === undefined) delete body[ENTERPRISE].manager;
    return body;
  }

  async function provisionUser(userName: string, managerId?: string): Promise<string> {
    const created = await entra('/Users', { method: 'POST', body: userPayload(userName, managerId) });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function createGroup(displayName: string): Promise<string> {
    const body = loadFixture('entra/create-group.json', {
      '"displayName": "displayName"': `"displayName": "${displayName}"`,
      '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159': `ext-${displayName}`,
    });
    const created = await entra('/Groups', { method: 'POST', body });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function addMembers(groupId: string, ...userIds: string[]): Promise<void> {
    const body = loadFixture('entra/patch-group-add-members.json');
    body.Operations[0].value = userIds.map((value) => ({ $ref: null, value }));
    expect((await patch(`/Groups/${groupId}`, body)).status).toBe(200);
  }

  describe('users', () => {
    it('answers Test Connection (a query for a random userName or group name) with 200 and an empty ListResponse', async () => {
      // Prepare
      const random = randomUUID();
      const empty = { schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] };

      // Act
      const users = await entra(`/Users?filter=userName eq "${random}"`);
      const groups = await entra(`/Groups?excludedAttributes=members&filter=displayName eq "${random}"`);

      // Assess
      for (const reply of [users, groups]) {
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(SCIM_JSON);
        expect(reply.body).toEqual(empty);
      }
    });

    it('provisions a user: no match by userName, then POST with the enterprise extension, externalId, meta and roles: []', async () => {
      // Prepare
      const managerId = await provisionUser('manager.one@contoso.example');
      const payload = loadFixture('entra/create-user.json', { [DOC_MANAGER_ID]: managerId });

      // Act
      const lookup = await filtered('Users', `userName eq "${DOC_USER_NAME}"`);
      const created = await entra('/Users', { method: 'POST', body: payload });
      const id = created.body.id as string;
      const fetched = await entra(`/Users/${id}`);
      const byExternalId = await filtered('Users', `externalId eq "${DOC_EXTERNAL_ID}"`);
      const byWorkEmail = await filtered('Users', `emails[type eq "work"].value eq "${DOC_EMAIL}"`);

      // Assess
      expect(lookup.status).toBe(200);
      expect(lookup.body.totalResults).toBe(0);
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(created.headers.get('location')).toBe(`${base}/Users/${id}`);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect(created.body).toMatchObject({
        schemas: [USER_SCHEMA, ENTERPRISE],
        id,
        externalId: DOC_EXTERNAL_ID,
        userName: DOC_USER_NAME,
        active: true,
        emails: [{ primary: true, type: 'work', value: DOC_EMAIL }],
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: managerId } },
        meta: { resourceType: 'User', location: `${base}/Users/${id}`, version: 'W/"1"' },
      });
      expect(created.body.meta.created).toMatch(ISO_TIME);
      expect(created.body.meta.lastModified).toBe(created.body.meta.created);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('etag')).toBe('W/"1"');
      expect(fetched.body).toEqual(created.body);
      for (const found of [byExternalId, byWorkEmail]) {
        expect(found.status).toBe(200);
        expect(found.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
        expect(found.body.Resources).toEqual([created.body]);
      }

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner']);
      expect(events[0]?.before).toBeNull();
      expect(events[0]?.after).toEqual({
        id,
        userName: DOC_USER_NAME,
        externalId: DOC_EXTERNAL_ID,
        active: true,
        givenName: 'givenName',
        familyName: 'familyName',
        email: DOC_EMAIL,
        department: 'Tour Operations',
        employeeNumber: '701984',
        manager: managerId,
      });
    });

    it('accepts the documented "provision a user" request whose unset attributes are null, and finds it by externalId', async () => {
      // Prepare
      const payload = loadFixture('entra/create-user-with-nulls.json');

      // Act
      const created = await entra('/Users', { method: 'POST', body: payload });
      const byExternalId = await filtered('Users', 'externalId eq "jyoung"');

      // Assess
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(created.headers.get('location')).toBe(`${base}/Users/${created.body.id}`);
      expect(created.body).toMatchObject({
        schemas: [USER_SCHEMA],
        externalId: 'jyoung',
        userName: 'jyoung@testuser.com',
        active: true,
        displayName: 'Joy Young',
        emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
        name: { familyName: 'Young', givenName: 'Joy' },
      });
      for (const unset of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager', ENTERPRISE]) {
        expect(created.body).not.toHaveProperty([unset]);
      }
      expect(byExternalId.body.totalResults).toBe(1);
      expect(byExternalId.body.Resources[0].id).toBe(created.body.id);
      const events = await personEvents(created.body.id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner']);
      expect(events[0]?.after).toMatchObject({ userName: 'jyoung@testuser.com', externalId: 'jyoung', displayName: 'Joy Young' });
    });

    it('disables with the default job\'s "Replace" active "False", re-enables with "True", and disables with a boolean', async () => {
      // Prepare
      const id = await provisionUser('disable.me@contoso.example');

      // Act
      const disabled = await patch(`/Users/${id}`, loadFixture('entra/patch-user-disable-legacy.json'));
      const fetched = await entra(`/Users/${id}`);
      const enabled = await patch(`/Users/${id}`, loadFixture('entra/patch-user-enable-legacy.json'));
      const disabledAgain = await patch(`/Users/${id}`, loadFixture('entra/patch-user-disable.json'));

      // Assess
      expect(disabled.status).toBe(200);
      expect(disabled.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(disabled.headers.get('etag')).toBe('W/"2"');
      expect(disabled.body.active).toBe(false);
      expect(fetched.status).toBe(200);
      expect(fetched.body.active).toBe(false);
      expect(enabled.status).toBe(200);
      expect(enabled.headers.get('etag')).toBe('W/"3"');
      expect(enabled.body.active).toBe(true);
      expect(disabledAgain.status).toBe(200);
      expect(disabledAgain.headers.get('etag')).toBe('W/"4"');
      expect(disabledAgain.body.active).toBe(false);
      const stored = await perimeter.stores.directory.getUser(id);
      expect(stored?.attributes.active).toBe(false);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.leaver', 'lifecycle.joiner', 'lifecycle.leaver']);
      for (const leaver of [events[1], events[3]]) {
        expect(leaver?.before).toMatchObject({ id, active: true });
        expect(leaver?.after).toMatchObject({ id, active: false, employeeNumber: '701984' });
        expect(leaver?.detail?.changes).toEqual(['active']);
      }
      expect(events[2]?.before).toMatchObject({ active: false });
      expect(events[2]?.after).toMatchObject({ active: true });
    });

    it('applies the default job\'s multi-attribute update: one "Replace" per path, incl. externalId and a URN-prefixed path', async () => {
      // Prepare
      const managerId = await provisionUser('manager.two@contoso.example');
      const id = await provisionUser('legacy.update@contoso.example', managerId);

      // Act
      const patched = await patch(`/Users/${id}`, loadFixture('entra/patch-user-replace-legacy.json'));
      const byNewExternalId = await filtered('Users', 'externalId eq "Eqpj"');
      const byOldExternalId = await filtered('Users', 'externalId eq "ext-legacy.update@contoso.example"');

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body).toMatchObject({
        id,
        externalId: 'Eqpj',
        displayName: 'Pvlo',
        name: { formatted: 'givenName familyName', givenName: 'Gtfd', familyName: 'Pkqf' },
        [ENTERPRISE]: { employeeNumber: 'Eqpj', department: 'Tour Operations', manager: { value: managerId } },
      });
      expect(patched.body.emails).toEqual([{ primary: true, type: 'work', value: 'TestBcwqnm@test.microsoft.com' }]);
      expect(byNewExternalId.body.totalResults).toBe(1);
      expect(byNewExternalId.body.Resources[0].id).toBe(id);
      expect(byOldExternalId.body.totalResults).toBe(0);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.before).toMatchObject({ givenName: 'givenName', externalId: 'ext-legacy.update@contoso.example' });
      expect(events[1]?.after).toMatchObject({
        displayName: 'Pvlo',
        givenName: 'Gtfd',
        familyName: 'Pkqf',
        email: 'TestBcwqnm@test.microsoft.com',
        externalId: 'Eqpj',
        employeeNumber: 'Eqpj',
        manager: managerId,
      });
      expect(events[1]?.detail?.changes).toEqual(
        expect.arrayContaining(['displayName', 'email', 'employeeNumber', 'externalId', 'familyName', 'givenName']),
      );
    });

    it('applies the compliant update: a path-less "replace" keyed by name.givenName and URN-prefixed enterprise names', async () => {
      // Prepare
      const managerId = await provisionUser('manager.three@contoso.example');
      const id = await provisionUser('nopath.update@contoso.example', managerId);

      // Act
      const patched = await patch(`/Users/${id}`, loadFixture('entra/patch-user-replace-no-path.json'));
      const fetched = await entra(`/Users/${id}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body).toMatchObject({
        schemas: [USER_SCHEMA, ENTERPRISE],
        id,
        displayName: 'Bjfe',
        name: { formatted: 'givenName familyName', givenName: 'Kkom', familyName: 'Unua' },
        [ENTERPRISE]: { employeeNumber: 'Aklq', department: 'Rzmw', manager: { value: managerId } },
      });
      expect(patched.body.emails).toEqual([{ primary: true, type: 'work', value: 'TestMhvaes@test.microsoft.com' }]);
      for (const key of ['name.givenName', 'name.familyName', `${ENTERPRISE}:employeeNumber`, `${ENTERPRISE}:department`]) {
        expect(patched.body).not.toHaveProperty([key]);
      }
      expect(fetched.body).toEqual(patched.body);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.before).toMatchObject({ department: 'Tour Operations', employeeNumber: '701984', givenName: 'givenName' });
      expect(events[1]?.after).toMatchObject({ department: 'Rzmw', employeeNumber: 'Aklq', givenName: 'Kkom', familyName: 'Unua' });
      expect(events[1]?.detail?.changes).toEqual(
        expect.arrayContaining(['department', 'displayName', 'email', 'employeeNumber', 'familyName', 'givenName']),
      );
    });

    it('applies the tutorial\'s "Update User" requests: work email and family name, then userName', async () => {
      // Prepare
      const id = await provisionUser('rename.me@contoso.example');

      // Act
      const multiValued = await patch(`/Users/${id}`, loadFixture('entra/patch-user-update-multivalued.json'));
      const renamed = await patch(`/Users/${id}`, loadFixture('entra/patch-user-update-username.json'));
      const byOldName = await filtered('Users', 'userName eq "rename.me@contoso.example"');
      const byNewName = await filtered('Users', 'userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"');
      const reuseOldName = await entra('/Users', { method: 'POST', body: userPayload('rename.me@contoso.example') });

      // Assess
      expect(multiValued.status).toBe(200);
      expect(multiValued.headers.get('etag')).toBe('W/"2"');
      expect(multiValued.body.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
      expect(multiValued.body.name).toEqual({ formatted: 'givenName familyName', givenName: 'givenName', familyName: 'updatedFamilyName' });
      expect(renamed.status).toBe(200);
      expect(renamed.headers.get('etag')).toBe('W/"3"');
      expect(renamed.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
      expect(byOldName.body.totalResults).toBe(0);
      expect(byNewName.body.totalResults).toBe(1);
      expect(byNewName.body.Resources[0].id).toBe(id);
      expect(reuseOldName.status).toBe(201);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.mover']);
      expect(events[1]?.after).toMatchObject({ email: 'updatedEmail@microsoft.com', familyName: 'updatedFamilyName' });
      expect(events[1]?.detail?.changes).toEqual(expect.arrayContaining(['email', 'familyName']));
      expect(events[2]?.before).toMatchObject({ userName: 'rename.me@contoso.example' });
      expect(events[2]?.after).toMatchObject({ userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' });
      expect(events[2]?.detail?.changes).toContain('userName');
    });

    it('adds a single-value attribute with the default job\'s "Add"', async () => {
      // Prepare
      const id = await provisionUser('nickname@contoso.example');

      // Act
      const patched = await patch(`/Users/${id}`, loadFixture('entra/patch-user-add-nickname.json'));

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body.nickName).toBe('Babs');
      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
      expect(events[1]?.detail).toEqual({ changes: ['profile'] });
      expect(events[1]?.after).toEqual(events[1]?.before);
    });

    it('sets the manager from a bare id string ("Add"), replaces it ("Replace") and clears it ("Remove")', async () => {
      // Prepare
      const first = await provisionUser('manager.first@contoso.example');
      const second = await provisionUser('manager.second@contoso.example');
      const id = await provisionUser('report@contoso.example');
      const replace = loadFixture('entra/patch-user-manager.json', { [DOC_MANAGER_ID]: second });
      replace.Operations[0].op = 'Replace';

      // Act
      const added = await patch(`/Users/${id}`, loadFixture('entra/patch-user-manager.json', { [DOC_MANAGER_ID]: first }));
      const replaced = await patch(`/Users/${id}`, replace);
      const removed = await patch(`/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Remove', path: `${ENTERPRISE}:manager` }],
      });

      // Assess
      expect(added.status).toBe(200);
      expect(added.headers.get('etag')).toBe('W/"2"');
      expect(added.body[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations', manager: { value: first } });
      expect(replaced.status).toBe(200);
      expect(replaced.headers.get('etag')).toBe('W/"3"');
      expect(replaced.body[ENTERPRISE].manager).toEqual({ value: second });
      expect(removed.status).toBe(200);
      expect(removed.headers.get('etag')).toBe('W/"4"');
      expect(removed.body[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations' });

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.mover', 'lifecycle.mover']);
      expect(events[1]?.before).not.toHaveProperty('manager');
      expect(events[1]?.after).toMatchObject({ manager: first });
      expect(events[2]?.before).toMatchObject({ manager: first });
      expect(events[2]?.after).toMatchObject({ manager: second });
      expect(events[3]?.after).not.toHaveProperty('manager');
      for (const event of events.slice(1)) expect(event.detail?.changes).toContain('manager');
    });

    it('replaces emails[type eq "work"].value on a user who has no work email yet by adding one', async () => {
      // Prepare
      const payload = userPayload('no.work.email@contoso.example');
      payload.emails = [{ type: 'other', value: 'private@example.net' }];
      const created = await entra('/Users', { method: 'POST', body: payload });
      const id = created.body.id as string;

      // Act
      const patched = await patch(`/Users/${id}`, loadFixture('entra/patch-user-update-multivalued.json'));

      // Assess
      expect(created.status).toBe(201);
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body.emails).toHaveLength(2);
      expect(patched.body.emails).toEqual(
        expect.arrayContaining([
          { type: 'other', value: 'private@example.net' },
          { type: 'work', value: 'updatedEmail@microsoft.com' },
        ]),
      );
      expect(patched.body.name.familyName).toBe('updatedFamilyName');
      const events = await personEvents(id);
      expect(events[1]?.before).toMatchObject({ email: 'private@example.net' });
      expect(events[1]?.after).toMatchObject({ email: 'updatedEmail@microsoft.com', familyName: 'updatedFamilyName' });
    });

    it('builds one work address from one operation per mapped sub-attribute', async () => {
      // Prepare
      const id = await provisionUser('address@contoso.example');

      // Act
      const patched = await patch(`/Users/${id}`, loadFixture('entra/patch-user-work-address.json'));
      const fetched = await entra(`/Users/${id}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(patched.body.addresses).toEqual([{ type: 'work', streetAddress: '1 Microsoft Way', locality: 'Redmond', country: 'US' }]);
      expect(patched.body.phoneNumbers).toEqual([{ type: 'work', value: '+1 425 555 0100' }]);
      expect(fetched.body).toEqual(patched.body);
      const events = await personEvents(id);
      expect(events[1]?.after).toMatchObject({ location: 'Redmond' });
      expect(events[1]?.detail?.changes).toContain('location');
    });

    it('deletes a user: 204 without a body, then 404; the leaver event carries the groups the user lost', async () => {
      // Prepare
      const id = await provisionUser('delete.me@contoso.example');
      const groupId = await createGroup('Entra Delete User');
      await addMembers(groupId, id);

      // Act
      const deleted = await entra(`/Users/${id}`, { method: 'DELETE' });
      const fetched = await entra(`/Users/${id}`);
      const deletedAgain = await entra(`/Users/${id}`, { method: 'DELETE' });
      const byUserName = await filtered('Users', 'userName eq "delete.me@contoso.example"');
      const group = await entra(`/Groups/${groupId}`);

      // Assess
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(fetched.status).toBe(404);
      expect(fetched.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(fetched.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: expect.any(String) });
      expect(deletedAgain.status).toBe(404);
      expect(byUserName.body.totalResults).toBe(0);
      expect(group.status).toBe(200);
      expect(memberIds(group)).toEqual([]);

      const events = await personEvents(id);
      expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.leaver']);
      expect(events[2]?.before).toMatchObject({ id, userName: 'delete.me@contoso.example', active: true });
      expect(events[2]?.after).toBeNull();
      expect(events[2]?.detail).toMatchObject({ groupsRemoved: [{ id: groupId, displayName: 'Entra Delete User' }] });
      expect(events[2]?.detail?.changes).toContain('groups');
    });
  });

  describe('groups', () => {
    it("creates a group from Entra's payload (extra Microsoft schema URN, externalId, meta) and reads it without members", async () => {
      // Prepare
      const payload = loadFixture('entra/create-group.json');

      // Act
      const lookup = await filtered('Groups', 'displayName eq "displayName"', 'excludedAttributes=members&');
      const created = await entra('/Groups', { method: 'POST', body: payload });
      const id = created.body.id as string;
      const fetched = await entra(`/Groups/${id}?excludedAttributes=members`);
      const listed = await filtered('Groups', 'displayName eq "displayName"', 'excludedAttributes=members&');

      // Assess
      expect(lookup.body.totalResults).toBe(0);
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(SCIM_JSON);
      expect(created.headers.get('location')).toBe(`${base}/Groups/${id}`);
      expect(created.headers.get('etag')).toBe('W/"1"');
      expect(created.body).toMatchObject({
        schemas: [GROUP_SCHEMA],
        id,
        externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
        displayName: 'displayName',
        meta: { resourceType: 'Group', location: `${base}/Groups/${id}`, version: 'W/"1"' },
      });
      expect(created.body.members ?? []).toEqual([]);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('etag')).toBe('W/"1"');
      expect(fetched.body).toEqual(created.body);
      expect(fetched.body).not.toHaveProperty('members');
      expect(listed.body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 1, itemsPerPage: 1 });
      expect(listed.body.Resources).toEqual([created.body]);

      const audit = await groupEvents(id);
      expect(audit.map((event) => event.type)).toEqual(['group.created']);
      expect(audit[0]?.after).toEqual({ displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' });
    });

    it('adds several members in one "Add" with a value list ("$ref": null); excludedAttributes=members leaves them out', async () => {
      // Prepare
      const first = await provisionUser('member.first@contoso.example');
      const second = await provisionUser('member.second@contoso.example');
      const groupId = await createGroup('Entra Add');
      const body = loadFixture('entra/patch-group-add-members.json', { [DOC_MEMBER_ID]: first });
      body.Operations[0].value.push({ $ref: null, value: second });

      // Act
      const patched = await patch(`/Groups/${groupId}`, body);
      const withoutMembers = await entra(`/Groups/${groupId}?excludedAttributes=members`);
      const listedWithoutMembers = await filtered('Groups', 'displayName eq "Entra Add"', 'excludedAttributes=members&');
      const firstUser = await entra(`/Users/${first}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"2"');
      expect(memberIds(patched)).toEqual([first, second].sort());
      expect(patched.body.members).toEqual(
        expect.arrayContaining([{ value: first, $ref: `${base}/Users/${first}`, type: 'User', display: 'member.first@contoso.example' }]),
      );
      expect(withoutMembers.status).toBe(200);
      expect(withoutMembers.body).not.toHaveProperty('members');
      expect(withoutMembers.body).toMatchObject({ id: groupId, displayName: 'Entra Add', meta: { version: 'W/"2"' } });
      expect(listedWithoutMembers.body.totalResults).toBe(1);
      expect(listedWithoutMembers.body.Resources[0]).not.toHaveProperty('members');
      expect(firstUser.body.groups).toEqual([{ value: groupId, $ref: `${base}/Groups/${groupId}`, display: 'Entra Add', type: 'direct' }]);

      for (const userId of [first, second]) {
        const events = await personEvents(userId);
        expect(events.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
        expect(events[1]?.detail).toEqual({ changes: ['groups'], groupsAdded: [{ id: groupId, displayName: 'Entra Add' }] });
      }
      expect((await groupEvents(groupId)).at(-1)?.detail).toEqual({ membersAdded: [first, second].sort(), membersRemoved: [] });
    });

    it('removes a member with the compliant "remove" of members[value eq "id"]', async () => {
      // Prepare
      const leaving = await provisionUser('filter.leaving@contoso.example');
      const staying = await provisionUser('filter.staying@contoso.example');
      const groupId = await createGroup('Entra Remove Filter');
      await addMembers(groupId, leaving, staying);

      // Act
      const body = loadFixture('entra/patch-group-remove-member-filter.json', { [DOC_FLAGGED_MEMBER_ID]: leaving });
      const patched = await patch(`/Groups/${groupId}`, body);
      const leavingUser = await entra(`/Users/${leaving}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(memberIds(patched)).toEqual([staying]);
      expect(leavingUser.body).not.toHaveProperty('groups');
      expect((await personEvents(leaving)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsRemoved: [{ id: groupId, displayName: 'Entra Remove Filter' }],
      });
      expect((await personEvents(staying)).map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
    });

    it('removes a member with the default job\'s "Remove" of path "members" and a value list ("$ref": null)', async () => {
      // Prepare
      const leaving = await provisionUser('legacy.leaving@contoso.example');
      const staying = await provisionUser('legacy.staying@contoso.example');
      const groupId = await createGroup('Entra Remove Legacy');
      await addMembers(groupId, leaving, staying);

      // Act
      const body = loadFixture('entra/patch-group-remove-members.json', { [DOC_MEMBER_ID]: leaving });
      const patched = await patch(`/Groups/${groupId}`, body);
      const fetched = await entra(`/Groups/${groupId}`);
      const leavingUser = await entra(`/Users/${leaving}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(memberIds(patched)).toEqual([staying]);
      expect(memberIds(fetched)).toEqual([staying]);
      expect(leavingUser.body).not.toHaveProperty('groups');
      expect((await personEvents(leaving)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsRemoved: [{ id: groupId, displayName: 'Entra Remove Legacy' }],
      });
      expect((await groupEvents(groupId)).at(-1)?.detail).toEqual({ membersAdded: [], membersRemoved: [leaving] });
    });

    it('renames a group with "Replace" of displayName', async () => {
      // Prepare
      const userId = await provisionUser('group.rename@contoso.example');
      const groupId = await createGroup('Entra Rename');
      await addMembers(groupId, userId);
      const newName = '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName';

      // Act
      const patched = await patch(`/Groups/${groupId}`, loadFixture('entra/patch-group-rename.json'));
      const byNewName = await filtered('Groups', `displayName eq "${newName}"`, 'excludedAttributes=members&');
      const user = await entra(`/Users/${userId}`);

      // Assess
      expect(patched.status).toBe(200);
      expect(patched.headers.get('etag')).toBe('W/"3"');
      expect(patched.body.displayName).toBe(newName);
      expect(memberIds(patched)).toEqual([userId]);
      expect(byNewName.body.totalResults).toBe(1);
      expect(byNewName.body.Resources[0].id).toBe(groupId);
      expect(user.body.groups).toEqual([expect.objectContaining({ value: groupId, display: newName })]);
      expect((await groupEvents(groupId)).at(-1)).toMatchObject({
        type: 'group.updated',
        before: { displayName: 'Entra Rename' },
        after: { displayName: newName },
      });
    });

    it('deletes a group: 204, then 404; its members lose it', async () => {
      // Prepare
      const userId = await provisionUser('group.delete@contoso.example');
      const groupId = await createGroup('Entra Delete Group');
      await addMembers(groupId, userId);

      // Act
      const deleted = await entra(`/Groups/${groupId}`, { method: 'DELETE' });
      const fetched = await entra(`/Groups/${groupId}?excludedAttributes=members`);
      const user = await entra(`/Users/${userId}`);

      // Assess
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expect(fetched.status).toBe(404);
      expect(fetched.body).toEqual({ schemas: [ERROR_SCHEMA], status: '404', detail: expect.any(String) });
      expect(user.body).not.toHaveProperty('groups');
      expect((await personEvents(userId)).at(-1)?.detail).toEqual({
        changes: ['groups'],
        groupsRemoved: [{ id: groupId, displayName: 'Entra Delete Group' }],
      });
      expect((await groupEvents(groupId)).at(-1)).toMatchObject({ type: 'group.deleted', detail: { membersRemoved: [userId] } });
    });
  });
});
