import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../lib/scim/applyPatch.js';

type Json = Record<string, unknown>;

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A user as ScimUsers hands it to applyPatch (its SCIM representation). */
const user = (extra: Json = {}): Json => ({
  schemas: [USER],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'jo@example.com',
  active: true,
  emails: [{ type: 'home', value: 'jo@home.example' }],
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z', version: 'W/"1"' },
  ...extra,
});

const group = (): Json => ({
  schemas: [GROUP],
  id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b',
  displayName: 'Engineering',
  members: [
    { value: 'u1', type: 'User', display: 'One' },
    { value: 'u2', type: 'User', display: 'Two' },
  ],
  meta: { resourceType: 'Group', version: 'W/"4"' },
});

const patchOp = (...operations: Json[]): Json => ({ schemas: [PATCH_OP], Operations: operations });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('applyPatch', () => {
  describe('RFC 7644 operations', () => {
    it('adds, replaces and removes attributes by path', async () => {
      // Act
      const patched = await applyPatch(
        'User',
        user({ title: 'Engineer', nickName: 'Jojo' }),
        patchOp(
          { op: 'add', path: 'displayName', value: 'Jo Doe' },
          { op: 'replace', path: 'title', value: 'Manager' },
          { op: 'remove', path: 'nickName' },
          { op: 'add', path: 'emails', value: [{ type: 'work', value: 'jo@work.example' }] },
          { op: 'replace', path: 'name.familyName', value: 'Doe' },
        ),
      );

      // Assess
      expect(patched).toMatchObject({ displayName: 'Jo Doe', title: 'Manager', name: { familyName: 'Doe' } });
      expect(patched).not.toHaveProperty('nickName');
      expect(patched?.emails).toEqual([
        { type: 'home', value: 'jo@home.example' },
        { type: 'work', value: 'jo@work.example' },
      ]);
    });

    it('targets elements of a multi-valued attribute with a value filter', async () => {
      // Prepare
      const current = user({ emails: [{ type: 'home', value: 'jo@home.example' }, { type: 'work', value: 'jo@work.example' }] });

      // Act
      const replaced = await applyPatch('User', current, patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.example' }));
      const removed = await applyPatch('User', current, patchOp({ op: 'remove', path: 'emails[type eq "home"]' }));

      // Assess
      expect(replaced?.emails).toEqual([
        { type: 'home', value: 'jo@home.example' },
        { type: 'work', value: 'new@work.example' },
      ]);
      expect(removed?.emails).toEqual([{ type: 'work', value: 'jo@work.example' }]);
    });

    it('answers undefined when the patch changes nothing', async () => {
      // Act
      const patched = await applyPatch('User', user(), patchOp({ op: 'replace', path: 'active', value: true }));

      // Assess
      expect(patched).toBeUndefined();
    });
  });

  describe('Microsoft Entra ID dialect', () => {
    it('accepts capitalised op names', async () => {
      // Act
      const patched = await applyPatch(
        'User',
        user(),
        patchOp({ op: 'Add', path: 'title', value: 'CTO' }, { op: 'Replace', path: 'displayName', value: 'Jo' }),
      );

      // Assess
      expect(patched).toMatchObject({ title: 'CTO', displayName: 'Jo' });
    });

    it.each([
      ['False', false],
      ['false', false],
      ['True', true],
    ])('reads the boolean string "%s" as %s', async (value, expected) => {
      // Act
      const patched = await applyPatch('User', user({ active: !expected }), patchOp({ op: 'Replace', path: 'active', value }));

      // Assess
      expect(patched?.active).toBe(expected);
    });

    it('applies a value without path keyed by attribute paths and extension URNs', async () => {
      // Act
      const patched = await applyPatch(
        'User',
        user(),
        patchOp({
          op: 'Replace',
          value: {
            displayName: 'Jo Doe',
            'name.givenName': 'Jo',
            active: 'False',
            [`${ENTERPRISE}:department`]: 'Sales',
            [`${ENTERPRISE}:employeeNumber`]: '42',
          },
        }),
      );

      // Assess
      expect(patched).toMatchObject({
        displayName: 'Jo Doe',
        name: { givenName: 'Jo' },
        active: false,
        [ENTERPRISE]: { department: 'Sales', employeeNumber: '42' },
      });
      expect(patched?.schemas).toEqual([USER, ENTERPRISE]);
    });

    it('applies a value without path that nests an extension under its URN', async () => {
      // Act
      const patched = await applyPatch('User', user(), patchOp({ op: 'replace', value: { [ENTERPRISE]: { costCenter: 'CC-1' }, active: 'False' } }));

      // Assess
      expect(patched).toMatchObject({ active: false, [ENTERPRISE]: { costCenter: 'CC-1' } });
    });

    it('takes the manager as a bare id, with a path or keyed by URN', async () => {
      // Act
      const withPath = await applyPatch('User', user(), patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-1' }));
      const withoutPath = await applyPatch('User', user(), patchOp({ op: 'Replace', value: { [`${ENTERPRISE}:manager`]: 'boss-2' } }));

      // Assess
      expect(withPath?.[ENTERPRISE]).toEqual({ manager: { value: 'boss-1' } });
      expect(withoutPath?.[ENTERPRISE]).toEqual({ manager: { value: 'boss-2' } });
    });

    it('adds emails[type eq "work"].value when the user has no work email yet', async () => {
      // Act
      const patched = await applyPatch('User', user(), patchOp({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'jo@work.example' }));

      // Assess
      expect(patched?.emails).toEqual([
        { type: 'home', value: 'jo@home.example' },
        { type: 'work', value: 'jo@work.example' },
      ]);
    });

    it('adds the typed value on a user without any emails', async () => {
      // Prepare
      const { emails: _emails, ...withoutEmails } = user();

      // Act
      const patched = await applyPatch('User', withoutEmails, patchOp({ op: 'Add', path: 'emails[type eq "work"].value', value: 'jo@work.example' }));

      // Assess
      expect(patched?.emails).toEqual([{ type: 'work', value: 'jo@work.example' }]);
    });

    it('replaces emails[type eq "home"].value in place when it exists', async () => {
      // Act
      const patched = await applyPatch('User', user(), patchOp({ op: 'Replace', path: 'emails[type eq "home"].value', value: 'new@home.example' }));

      // Assess
      expect(patched?.emails).toEqual([{ type: 'home', value: 'new@home.example' }]);
    });

    it('still rejects a boolean string that is not true or false', async () => {
      // Act
      const error = await rejection(applyPatch('User', user(), patchOp({ op: 'Replace', path: 'active', value: 'Yes' })));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    });
  });

  describe('Okta dialect', () => {
    it('deactivates with a replace without path', async () => {
      // Act
      const patched = await applyPatch('User', user(), patchOp({ op: 'replace', value: { active: false } }));

      // Assess
      expect(patched?.active).toBe(false);
    });

    it('renames a group with a replace without path that repeats its id', async () => {
      // Act
      const patched = await applyPatch('Group', group(), patchOp({ op: 'replace', value: { id: group().id, displayName: 'Platform' } }));

      // Assess
      expect(patched).toMatchObject({ id: group().id, displayName: 'Platform' });
    });

    it('removes a member by value filter and adds one in the same request', async () => {
      // Act
      const patched = await applyPatch(
        'Group',
        group(),
        patchOp({ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'add', path: 'members', value: [{ value: 'u3', display: 'Three' }] }),
      );

      // Assess
      expect((patched?.members as Json[]).map((member) => member.value)).toEqual(['u2', 'u3']);
    });

    it('replaces all members', async () => {
      // Act
      const patched = await applyPatch('Group', group(), patchOp({ op: 'replace', path: 'members', value: [{ value: 'u9' }] }));

      // Assess
      expect(patched?.members).toEqual([{ value: 'u9' }]);
    });
  });

  describe('where scimmy failed with a JavaScript message', () => {
    it('removes a value list from a group with no members yet as nothing (Entra re-sending a remove)', async () => {
      // Prepare: the group has no members attribute at all
      const { members: _members, ...empty } = group();

      // Act
      const patched = await applyPatch('Group', empty, patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u1' }] }));

      // Assess: nothing changed, no "Cannot read properties of undefined" 400
      expect(patched).toBeUndefined();
    });

    it('still removes the named members from a group that has them, and leaves non-members alone', async () => {
      const patched = await applyPatch('Group', group(), patchOp({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }, { value: 'u9' }] }));
      expect((patched?.members as Json[]).map((m) => m.value)).toEqual(['u1']);
    });

    it('takes two adds of an empty list as nothing', async () => {
      const patched = await applyPatch('Group', group(), patchOp({ op: 'add', path: 'members', value: [] }, { op: 'add', value: { members: [] } }));
      expect(patched).toBeUndefined();
    });

    it('never puts a runtime message in a detail', async () => {
      // A value list with a non-string criterion still reaches scimmy's own list removal
      const { members: _members, ...empty } = group();
      const error = await rejection(applyPatch('Group', empty, patchOp({ op: 'remove', path: 'members', value: [{ value: 5 }] })));
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(String((error as Error).message)).not.toMatch(/undefined|proxy|reading/i);
    });
  });

  describe('errors', () => {
    it.each([
      ['replacing id by path', { op: 'replace', path: 'id', value: 'other' }],
      ['replacing id without path', { op: 'replace', value: { id: 'other', active: false } }],
    ])('rejects %s with 400 mutability', async (_name, operation) => {
      // Act
      const error = await rejection(applyPatch('User', user(), patchOp(operation)));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'mutability' });
    });

    it.each([
      ['a body that is not an object', [{ op: 'replace', path: 'title', value: 'x' }]],
      ['a body without Operations', { schemas: [PATCH_OP] }],
      ['Operations that is not a list', { schemas: [PATCH_OP], Operations: { op: 'replace' } }],
      ['a body without the PatchOp schema', { schemas: [USER], Operations: [{ op: 'replace', path: 'title', value: 'x' }] }],
      ['an unknown op', patchOp({ op: 'merge', path: 'title', value: 'x' })],
    ])('rejects %s with 400 invalidSyntax', async (_name, body) => {
      // Act
      const error = await rejection(applyPatch('User', user(), body));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
    });

    it.each([
      ['an unknown attribute', { op: 'replace', path: 'shoeSize', value: '42' }],
      ['a malformed value filter', { op: 'replace', path: 'emails[type eq', value: 'x' }],
    ])('rejects a path naming %s with 400 invalidPath', async (_name, operation) => {
      // Act
      const error = await rejection(applyPatch('User', user(), patchOp(operation)));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'invalidPath' });
    });

    it.each([
      ['remove without path', { op: 'remove' }],
      ['replace through a value filter that matches nothing', { op: 'replace', path: 'emails[value eq "none@example.com"].primary', value: true }],
    ])('rejects %s with 400 noTarget', async (_name, operation) => {
      // Act
      const error = await rejection(applyPatch('User', user(), patchOp(operation)));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'noTarget' });
    });

    it.each([
      ['a number for a string', { op: 'replace', path: 'userName', value: 5 }],
      ['a string for a complex attribute', { op: 'replace', path: 'name', value: 'Jo Doe' }],
      ['removing the required userName', { op: 'remove', path: 'userName' }],
    ])('rejects %s with 400 invalidValue', async (_name, operation) => {
      // Act
      const error = await rejection(applyPatch('User', user(), patchOp(operation)));

      // Assess
      expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    });
  });
});
