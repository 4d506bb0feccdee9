import { describe, expect, it } from 'vitest';
import { directoryItemCodec as codec } from '../../../../lib/adapters/dynamodb/directory/directoryItemCodec.js';
import type { GroupRecord, MembershipChange, UserRecord } from '../../../../lib/domain/DirectoryRecords.js';

const at = '2026-01-01T00:00:00.000Z';
const user: UserRecord = {
  id: 'u1',
  externalId: 'ext-1',
  userName: 'Ann@Example.com',
  active: true,
  version: 3,
  created: at,
  lastModified: '2026-01-02T00:00:00.000Z',
  attributes: { userName: 'Ann@Example.com', emails: [{ value: 'ann@example.com', primary: true }], groups: [], nickName: '' },
};
const group: GroupRecord = { id: 'g1', displayName: 'Engineering', version: 1, created: at, lastModified: at, attributes: { displayName: 'Engineering' } };

describe('directoryItemCodec', () => {
  it('encodes a user under the documented keys and attribute names (items already stored depend on them)', () => {
    expect(codec.userItem(user)).toEqual({
      pk: 'USER#u1',
      sk: 'USER',
      type: 'User',
      id: 'u1',
      userName: 'Ann@Example.com',
      userNameKey: 'ann@example.com',
      // The UTS #39 skeleton: "m" looks like "rn".
      lookalikeKey: 'ann@exarnple.corn',
      active: true,
      externalId: 'ext-1',
      version: 3,
      created: at,
      lastModified: '2026-01-02T00:00:00.000Z',
      data: JSON.stringify(user.attributes),
      gsi1pk: 'TYPE#User',
      gsi1sk: 'u1',
      gsi2pk: 'EXT#User#ext-1',
      gsi2sk: 'u1',
    });
  });

  it('reads back the user and group it wrote, attributes exactly as validated (empty values included)', () => {
    expect(codec.toUser(codec.userItem(user))).toEqual(user);
    expect(codec.toGroup(codec.groupItem(group))).toEqual(group);
  });

  it('writes no externalId index keys for a resource without one, and reads no externalId back', () => {
    // Act
    const item = codec.groupItem(group);
    const record = codec.toGroup(item);

    // Assess
    expect(item).toMatchObject({ pk: 'GROUP#g1', sk: 'GROUP', type: 'Group', displayName: 'Engineering', gsi1pk: 'TYPE#Group', gsi1sk: 'g1' });
    expect(item).not.toHaveProperty('gsi2pk');
    expect(record).not.toHaveProperty('externalId');
  });

  it('reads a stored item that also carries an outbox and a deleted mark as just the record', () => {
    // Prepare: a user item as the table holds it while its delete is being delivered
    const stored = { ...codec.userItem({ ...user, active: false }), deleted: true, outbox: '{}', outboxId: 'o1', pendingPk: 'PENDING', pendingSk: `${at}#User#u1` };

    // Act
    const read = codec.toUser(stored);

    // Assess
    expect(read).toEqual({ ...user, active: false });
  });

  it('encodes a membership as a row under the group, found from the member through gsi1', () => {
    // Prepare
    const change: MembershipChange = { op: 'add', groupId: 'g1', memberId: 'u1', memberType: 'User' };

    // Act
    const item = codec.membershipItem({ ...change, version: 3 });
    const removed = codec.membershipRemovedItem({ ...change, op: 'remove', version: 4 });

    // Assess
    expect(item).toEqual({ pk: 'GROUP#g1', sk: 'MEMBER#u1', type: 'Membership', groupId: 'g1', memberId: 'u1', memberType: 'User', version: 3, gsi1pk: 'MEMBEROF#u1', gsi1sk: 'g1' });
    expect(codec.toMembership('g1', item)).toEqual({ groupId: 'g1', memberId: 'u1', memberType: 'User' });
    // The marker a removal leaves keeps the row's version but is in no member-of index.
    expect(removed).toEqual({ pk: 'GROUP#g1', sk: 'MEMBER#u1', type: 'Membership', groupId: 'g1', memberId: 'u1', memberType: 'User', version: 4, removed: true });
  });

  it('compares userNames case-insensitively and by Unicode normal form', () => {
    // "Å" as one code point and as A plus a combining ring
    expect(codec.userNameKey('\u00C5SA@Example.COM')).toBe(codec.userNameKey('A\u030Asa@example.com'));
  });

  it('keys userNames by their RFC 8265 form, look-alikes by skeleton, and a long skeleton by its digest', () => {
    // Prepare: fullwidth letters; a Cyrillic "а" (U+0430) in a Latin name; a name whose skeleton is long
    const long = 'm'.repeat(300);

    // Act
    const keys = [codec.userNameKey('\uFF21nn@example.com'), codec.lookalikeKey('\u0430nn@example.com'), codec.lookalikeKey(long)];

    // Assess
    expect(keys.slice(0, 2)).toEqual(['ann@example.com', 'ann@exarnple.corn']);
    expect(keys[2]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(codec.lookalikeKey('rn'.repeat(300))).toBe(keys[2]);
  });
});
