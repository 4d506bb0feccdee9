import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupRecord } from '../../../lib/domain/DirectoryRecords.js';
import { applyPatch } from '../../../lib/scim/applyPatch.js';
import { memberPatch } from '../../../lib/scim/memberPatch.js';
import { representGroup } from '../../../lib/scim/represent.js';
import { validateResource } from '../../../lib/scim/validateResource.js';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BASE = 'https://perimeter.example/scim/v2';
const IDS = ['u1', 'u2', 'u3', 'u4', 'u5', 'U1'];
const group: GroupRecord = { id: 'g1', displayName: 'Engineering', version: 3, created: '2026-03-01T12:00:00.000Z', lastModified: '2026-03-01T12:00:00.000Z', attributes: { displayName: 'Engineering' } };

/** What the full PatchOp engine makes of a PATCH, as ScimGroups used to run it: member ids, or 'refused'. */
async function throughTheEngine(current: readonly string[], body: unknown): Promise<string[] | 'refused'> {
  const members = current.map((value) => ({ value, type: 'User' as const, display: `Name ${value}` }));
  try {
    const patched = await applyPatch('Group', representGroup(group, BASE, members), body);
    if (patched === undefined) return [...current].sort();
    return [...new Set((validateResource('Group', patched).members ?? []).map((m) => m.value))].sort();
  } catch {
    return 'refused';
  }
}

const throughTheSet = (current: readonly string[], body: unknown): string[] | undefined =>
  memberPatch(body)
    ?.apply(current.map((value) => ({ value })))
    .map((m) => m.value)
    .sort();

const id = fc.constantFrom(...IDS);
const opName = (name: string): fc.Arbitrary<string> => fc.constantFrom(name, name[0]?.toUpperCase() + name.slice(1), name.toUpperCase());
/** Mostly members as IdPs send them, sometimes with what only the engine may judge. */
const member = fc.oneof(
  { weight: 4, arbitrary: fc.record({ value: id, display: fc.string({ maxLength: 3 }), $ref: fc.constant(null), type: fc.constantFrom('User', 'Group') }, { requiredKeys: ['value'] }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { value: fc.oneof(id, fc.constant(7)), display: fc.constant(null), $ref: fc.constant(`${BASE}/Users/u1`), type: fc.constant('Weird'), extra: fc.constant('x') },
      { requiredKeys: [] },
    ),
  },
);
const operation = fc.oneof(
  fc.record({ op: opName('add'), path: fc.constantFrom('members', 'Members'), value: fc.oneof(fc.array(member, { maxLength: 3 }), member) }),
  fc.record({ op: opName('add'), value: fc.record({ members: fc.array(member, { maxLength: 3 }) }) }),
  fc.record({ op: opName('replace'), path: fc.constant('members'), value: fc.array(member, { maxLength: 3 }) }),
  fc.record({ op: opName('remove'), path: fc.tuple(fc.constantFrom('members[value eq "%"]', 'members[value EQ "%"]', 'members[ value eq "%" ]', 'Members[value eq "%"]', 'members[display eq "%"]'), id).map(([path, value]) => path.replace('%', value)) }),
  fc.record({ op: opName('remove'), path: fc.constant('members'), value: fc.array(member, { maxLength: 3 }) }, { requiredKeys: ['op', 'path'] }),
  fc.record({ op: opName('replace'), path: fc.constant('displayName'), value: fc.constant('Platform') }),
);

describe('memberPatch', () => {
  it('changes members exactly as the PatchOp engine does, whenever it takes a PATCH at all', async () => {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(fc.subarray(IDS), fc.array(operation, { minLength: 1, maxLength: 3 }), async (current, operations) => {
        const body = { schemas: [PATCH_OP], Operations: operations };
        const fast = throughTheSet(current, body);
        if (fast === undefined) return;
        taken++;
        expect(await throughTheEngine(current, body)).toEqual(fast);
      }),
      { numRuns: 1000 },
    );
    // The generator's shapes are mostly ones the set takes; a property that never ran proves nothing.
    expect(taken).toBeGreaterThan(100);
  });

  it('takes the PATCHes Okta and Entra ID send for group membership', () => {
    const current = ['u1', 'u2'];
    const patch = (...operations: unknown[]): string[] | undefined => throughTheSet(current, { schemas: [PATCH_OP], Operations: operations });
    // Okta: add members with their display names; remove one filtered operation per member.
    expect(patch({ op: 'add', path: 'members', value: [{ value: 'u3', display: 'Name u3' }] })).toEqual(['u1', 'u2', 'u3']);
    expect(patch({ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'remove', path: 'members[value eq "u2"]' })).toEqual([]);
    // Entra ID: Add and Remove with value lists carrying "$ref": null.
    expect(patch({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u4' }] })).toEqual(['u1', 'u2', 'u4']);
    expect(patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'u2' }, { $ref: null, value: 'u5' }] })).toEqual(['u1']);
    // A replace of the whole list, and a remove of it.
    expect(patch({ op: 'replace', path: 'members', value: [{ value: 'u5' }] })).toEqual(['u5']);
    expect(patch({ op: 'remove', path: 'members' })).toEqual([]);
  });

  it('leaves every other PATCH to the engine', () => {
    const leaves = (body: unknown): void => expect(memberPatch(body)).toBeUndefined();
    leaves({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Platform' }] });
    leaves({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'u3' }] }, { op: 'replace', path: 'displayName', value: 'Platform' }] });
    leaves({ schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'members', value: [{ value: 'u1', display: 'Name u1' }] }] });
    leaves({ schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'u3', type: 'Robot' }] }] });
    leaves({ schemas: [PATCH_OP], Operations: [] });
    leaves({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], Operations: [{ op: 'add', path: 'members', value: [{ value: 'u3' }] }] });
    leaves({ Operations: [{ op: 'add', path: 'members', value: [{ value: 'u3' }] }] });
    leaves([]);
  });
});
