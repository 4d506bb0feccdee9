import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GROUP, PATCH_OP, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM errors (RFC 7644 §3.12): conflicts, malformed and invalid requests, unsupported methods and media types, sizes; and failed writes leave nothing behind. */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, createUser, createGroup, patch, list, expectScimError } = useScimPerimeter();

  describe('errors', () => {
    it('answers a taken userName with 409 uniqueness, case-insensitively, and creates nothing', async () => {
      // Prepare
      await createUser({ userName: 'dup@err.example' });

      // Act
      const sameCase = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'dup@err.example' } });
      const otherCase = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'DUP@Err.Example' } });
      const users = await perimeter.stores.directory.listUsers();

      // Assess
      expectScimError(sameCase, 409, 'uniqueness');
      expectScimError(otherCase, 409, 'uniqueness');
      expect(users.filter((u) => u.userName.toLowerCase() === 'dup@err.example')).toHaveLength(1);
    });

    it('answers a rename onto a taken userName via PUT or PATCH with 409 uniqueness and leaves the user unchanged', async () => {
      // Prepare
      await createUser({ userName: 'taken@err.example' });
      const renamer = await createUser({ userName: 'renamer@err.example', title: 'Original' });

      // Act
      const put = await perimeter.scim(`/Users/${renamer.id}`, { method: 'PUT', body: { schemas: [USER], userName: 'TAKEN@err.example', title: 'Changed' } });
      const patched = await patch(`/Users/${renamer.id}`, [
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path: 'userName', value: 'taken@ERR.example' },
      ]);
      const stored = await perimeter.stores.directory.getUser(renamer.id);
      const owner = await perimeter.stores.directory.findUserByUserName('taken@err.example');

      // Assess
      expectScimError(put, 409, 'uniqueness');
      expectScimError(patched, 409, 'uniqueness');
      expect(stored).toMatchObject({ userName: 'renamer@err.example', version: 1, attributes: expect.objectContaining({ title: 'Original' }) });
      expect(owner?.id).not.toBe(renamer.id);
    });

    it('lets a user change the case of its own userName', async () => {
      // Prepare
      const user = await createUser({ userName: 'casey@err.example' });

      // Act
      const reply = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'userName', value: 'Casey@Err.Example' }]);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.userName).toBe('Casey@Err.Example');
    });

    it.each([
      ['malformed JSON', { rawBody: '{"userName": ', headers: { 'content-type': 'application/scim+json' } }],
      ['a JSON array', { body: [{ schemas: [USER], userName: 'array@err.example' }] }],
      ['a JSON string', { body: 'userName=string@err.example' }],
      ['an empty body', { rawBody: '', headers: { 'content-type': 'application/scim+json' } }],
    ])('answers POST with %s with 400 invalidSyntax', async (_name, init) => {
      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', ...init });

      // Assess
      expectScimError(reply, 400, 'invalidSyntax');
    });

    it('answers a PATCH without Operations, or that is not an object, with 400 invalidSyntax', async () => {
      // Prepare
      const user = await createUser({ userName: 'nops@err.example' });

      // Act
      const noOperations = await perimeter.scim(`/Users/${user.id}`, { method: 'PATCH', body: { schemas: [PATCH_OP] } });
      const array = await perimeter.scim(`/Users/${user.id}`, { method: 'PATCH', body: [{ op: 'replace', path: 'title', value: 'x' }] });

      // Assess
      expectScimError(noOperations, 400, 'invalidSyntax');
      expectScimError(array, 400, 'invalidSyntax');
    });

    it.each([
      ['a string for a boolean', { userName: 'bool@err.example', active: 'maybe' }],
      ['a number for a string', { userName: 42 }],
      ['a string for a multi-valued attribute', { userName: 'multi@err.example', emails: 'multi@err.example' }],
      ['an empty userName', { userName: '' }],
      ['a blank userName', { userName: '   ' }],
      ['no userName', { displayName: 'Nobody' }],
    ])('answers a user with %s with 400 invalidValue and creates nothing', async (_name, attributes) => {
      // Prepare
      const before = (await perimeter.stores.directory.listUsers()).length;

      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], ...attributes } });
      const after = (await perimeter.stores.directory.listUsers()).length;

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(after).toBe(before);
    });

    it('answers a group with an unknown member id with 400 invalidValue, on create and on PATCH', async () => {
      // Prepare
      const member = await createUser({ userName: 'member@err.example' });
      const group = await createGroup({ displayName: 'Err Group', members: [{ value: member.id }] });
      const unknownId = randomUUID();

      // Act
      const create = await perimeter.scim('/Groups', {
        method: 'POST',
        body: { schemas: [GROUP], displayName: 'Never Created', members: [{ value: member.id }, { value: unknownId }] },
      });
      const patched = await patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: unknownId }] }]);
      const created = await list('Groups', { filter: 'displayName eq "Never Created"' });
      const members = await perimeter.stores.directory.membersOf(group.id);

      // Assess
      expectScimError(create, 400, 'invalidValue');
      expect(create.body.detail).toContain(unknownId);
      expectScimError(patched, 400, 'invalidValue');
      expect(created.body.totalResults).toBe(0);
      expect(members.map((m) => m.memberId)).toEqual([member.id]);
    });

    it('answers a PATCH that replaces id with 400 mutability', async () => {
      // Prepare
      const user = await createUser({ userName: 'immutable@err.example' });

      // Act
      const withPath = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'id', value: 'hijacked' }]);
      const withoutPath = await patch(`/Users/${user.id}`, [{ op: 'replace', value: { id: 'hijacked', title: 'x' } }]);
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(withPath, 400, 'mutability');
      expectScimError(withoutPath, 400, 'mutability');
      expect(stored?.version).toBe(1);
      expect(await perimeter.stores.directory.getUser('hijacked')).toBeUndefined();
    });

    it('answers a PATCH path that names no attribute, or does not parse, with 400 invalidPath', async () => {
      // Prepare
      const user = await createUser({ userName: 'paths@err.example' });

      // Act
      const unknown = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'shoeSize', value: '42' }]);
      const malformed = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]);

      // Assess
      expectScimError(unknown, 400, 'invalidPath');
      expectScimError(malformed, 400, 'invalidPath');
    });

    it('answers a remove without path, or a replace whose value filter matches nothing, with 400 noTarget', async () => {
      // Prepare
      const user = await createUser({ userName: 'targets@err.example', emails: [{ type: 'work', value: 'targets@work.example' }] });

      // Act
      const noPath = await patch(`/Users/${user.id}`, [{ op: 'remove' }]);
      const noMatch = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'emails[value eq "missing@work.example"].primary', value: true }]);
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(noPath, 400, 'noTarget');
      expectScimError(noMatch, 400, 'noTarget');
      expect(stored?.version).toBe(1);
    });

    it.each(['Users', 'Groups'])('answers GET, PUT, PATCH and DELETE of an unknown %s id with 404', async (collection) => {
      // Prepare
      const id = randomUUID();
      const body = collection === 'Users' ? { schemas: [USER], userName: `ghost-${id}@err.example` } : { schemas: [GROUP], displayName: 'Ghost' };

      // Act
      const replies = [
        await perimeter.scim(`/${collection}/${id}`),
        await perimeter.scim(`/${collection}/${id}`, { method: 'PUT', body }),
        await patch(`/${collection}/${id}`, [{ op: 'replace', path: collection === 'Users' ? 'title' : 'displayName', value: 'x' }]),
        await perimeter.scim(`/${collection}/${id}`, { method: 'DELETE' }),
      ];

      // Assess
      for (const reply of replies) expectScimError(reply, 404);
      expect(await perimeter.stores.directory.findUserByUserName(`ghost-${id}@err.example`)).toBeUndefined();
    });

    it('answers a method the endpoint does not support with 405 and an Allow header', async () => {
      // Prepare
      const user = await createUser({ userName: 'methods@err.example' });

      // Act
      const collection = await perimeter.scim('/Users', { method: 'DELETE' });
      const resource = await perimeter.scim(`/Users/${user.id}`, { method: 'POST', body: { schemas: [USER], userName: 'x@err.example' } });
      const discovery = await perimeter.scim('/ServiceProviderConfig', { method: 'PUT', body: {} });

      // Assess
      expectScimError(collection, 405);
      expect(collection.headers.get('allow')).toBe('GET, POST');
      expectScimError(resource, 405);
      expect(resource.headers.get('allow')).toBe('GET, PUT, PATCH, DELETE');
      expectScimError(discovery, 405);
      expect(discovery.headers.get('allow')).toBe('GET');
    });

    it('answers a text/plain body with 415 and creates nothing', async () => {
      // Act
      const reply = await perimeter.scim('/Users', {
        method: 'POST',
        rawBody: JSON.stringify({ schemas: [USER], userName: 'plain@err.example' }),
        headers: { 'content-type': 'text/plain' },
      });

      // Assess
      expectScimError(reply, 415);
      expect(await perimeter.stores.directory.findUserByUserName('plain@err.example')).toBeUndefined();
    });

    it('accepts application/json as well as application/scim+json', async () => {
      // Act
      const reply = await perimeter.scim('/Users', {
        method: 'POST',
        rawBody: JSON.stringify({ schemas: [USER], userName: 'json@err.example' }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });

      // Assess
      expect(reply.status).toBe(201);
    });

    it('answers a body over 1 MiB with 413 and creates nothing', async () => {
      // Prepare
      const body = JSON.stringify({ schemas: [USER], userName: 'huge@err.example', title: 'x'.repeat(1_048_576) });

      // Act
      const reply = await perimeter.scim('/Users', { method: 'POST', rawBody: body, headers: { 'content-type': 'application/scim+json' } });

      // Assess
      expectScimError(reply, 413);
      expect(await perimeter.stores.directory.findUserByUserName('huge@err.example')).toBeUndefined();
    });

    it('answers /Bulk with 501 Not Implemented', async () => {
      // Act
      const reply = await perimeter.scim('/Bulk', {
        method: 'POST',
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] },
      });

      // Assess
      expectScimError(reply, 501);
    });

    it('drops a password sent by the IdP: never stored, never returned', async () => {
      // Act
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'pw@err.example', password: 'hunter2-Secret!' } });
      const stored = await perimeter.stores.directory.getUser(created.body.id);

      // Assess
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('password');
      expect(JSON.stringify(stored)).not.toContain('hunter2');
    });
  });

  describe('failed writes change nothing', () => {
    it('leaves version, attributes and the ledger untouched when one operation of a PATCH fails', async () => {
      // Prepare
      const user = await createUser({ userName: 'atomic@atomic.example', title: 'Before', emails: [{ type: 'work', value: 'atomic@work.example' }] });
      const ledgerBefore = await perimeter.stores.ledger.chain(`person#${user.id}`);

      // Act
      const reply = await patch(`/Users/${user.id}`, [
        { op: 'replace', path: 'title', value: 'After' },
        { op: 'add', path: 'emails', value: [{ type: 'home', value: 'atomic@home.example' }] },
        { op: 'replace', path: 'active', value: 'perhaps' },
      ]);
      const read = await perimeter.scim(`/Users/${user.id}`);
      const ledgerAfter = await perimeter.stores.ledger.chain(`person#${user.id}`);

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(read.body.meta.version).toBe('W/"1"');
      expect(read.body.meta.lastModified).toBe(user.meta.lastModified);
      expect(read.body.title).toBe('Before');
      expect(read.body.emails).toEqual([{ type: 'work', value: 'atomic@work.example' }]);
      expect(ledgerAfter).toHaveLength(ledgerBefore.length);
    });

    it('leaves a user untouched when a PUT fails validation', async () => {
      // Prepare
      const user = await createUser({ userName: 'atomic-put@atomic.example', title: 'Before' });

      // Act
      const reply = await perimeter.scim(`/Users/${user.id}`, { method: 'PUT', body: { schemas: [USER], userName: '', title: 'After' } });
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(reply, 400, 'invalidValue');
      expect(stored).toMatchObject({ userName: 'atomic-put@atomic.example', version: 1, attributes: expect.objectContaining({ title: 'Before' }) });
    });
  });
});
