import { describe, expect } from 'vitest';
import { emailKey, employeeNumberKey } from '../../lib/directory/hrMatchKeys.js';
import { DirectoryError, type DirectoryErrorCode } from '../../lib/domain/DirectoryError.js';
import { type GroupRecord, MEMBER_GONE, type MembershipChange, type Outbox, type ResourceKey, type UserRecord } from '../../lib/domain/DirectoryRecords.js';
import { ENTERPRISE_USER_SCHEMA } from '../../lib/domain/ENTERPRISE_USER_SCHEMA.js';
import type { DirectoryStore } from '../../lib/ports/DirectoryStore.js';
import { rejection } from '../support/rejection.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (minutes = 0): string => new Date(T0 + minutes * 60_000).toISOString();

let outboxes = 0;
const outbox = (extra: Partial<Outbox> = {}): Outbox => ({ id: `outbox-${++outboxes}`, createdAt: iso(), events: [], memberships: [], ...extra });

const user = (id: string, userName: string, version = 1, attributes: Record<string, unknown> = {}): UserRecord => ({
  id,
  userName,
  active: true,
  version,
  created: iso(),
  lastModified: iso(version),
  attributes: { userName, ...attributes },
});

const group = (id: string, displayName: string, version = 1): GroupRecord => ({
  id,
  displayName,
  version,
  created: iso(),
  lastModified: iso(version),
  attributes: { displayName },
});

/** The next version of a user, with other attributes (and the userName they hold). */
const next = (current: UserRecord, attributes: Record<string, unknown>): UserRecord => {
  const userName = typeof attributes.userName === 'string' ? attributes.userName : current.userName;
  return { ...current, userName, version: current.version + 1, lastModified: iso(current.version + 1), attributes: { ...current.attributes, ...attributes, userName } };
};

const userKey = (id: string): ResourceKey => ({ type: 'User', id });
const groupKey = (id: string): ResourceKey => ({ type: 'Group', id });

/**
 * What every DirectoryStore adapter promises the SCIM and HR services: every write is conditional
 * on the version read (DirectoryError 'versionMismatch'), refused while the resource's previous
 * outbox is undelivered ('outboxPending'), and carries its own outbox; a userName belongs to one
 * user, compared by RFC 8265 canonical form and by UTS #39 confusable skeleton ('uniqueness'); reads never show a resource being deleted, which
 * goes once its outbox is delivered; memberships are idempotent rows; users are found by their HR
 * match keys once the index is complete. `openStore` returns a fresh, empty store per test.
 */
export function describeDirectoryStoreContract(name: string, openStore: () => Promise<DirectoryStore>, options: ContractOptions = {}): void {
  describeContract(`DirectoryStore contract: ${name}`, openStore, options, (clause, current) => {
    /** A write whose outbox was delivered, as after a successful SCIM request. */
    const putUser = async (record: UserRecord, previous?: UserRecord): Promise<UserRecord> => {
      const written = outbox();
      await current().putUser(record, previous, written);
      await current().completeOutbox(userKey(record.id), written);
      return record;
    };
    const putGroup = async (record: GroupRecord, previous?: GroupRecord): Promise<GroupRecord> => {
      const written = outbox();
      await current().putGroup(record, previous, written);
      await current().completeOutbox(groupKey(record.id), written);
      return record;
    };
    const refusal = async (write: Promise<unknown>): Promise<DirectoryErrorCode> => (await rejection(write, DirectoryError)).code;
    const userIds = async (): Promise<string[]> => (await current().listUsers()).map((u) => u.id);

    clause('knows no resource before the first write', async (store) => {
      // Act
      const reads = [
        await store.getUser('u1'),
        await store.getGroup('g1'),
        await store.findUserByUserName('ada@example.com'),
        await store.pendingOutbox(userKey('u1')),
      ];
      const lists = [
        await store.listUsers(),
        await store.listGroups(),
        await store.getUsers(['u1']),
        await store.getGroups(['g1']),
        await store.findIdsByExternalId('User', 'E1'),
        await store.membersOf('g1'),
        await store.groupIdsOf('u1'),
        await store.listPendingOutboxes(10),
        await store.findUserIdsByMatchKey(emailKey('ada@example.com')),
      ];

      // Assess
      expect(reads).toEqual([undefined, undefined, undefined, undefined]);
      expect(lists).toEqual(Array(lists.length).fill([]));
    });

    describe('users', () => {
      clause('creates a user with its outbox in the same write, and reads both back exactly', async (store) => {
        // Prepare
        const ada = { ...user('u1', 'ada@example.com', 1, { name: { givenName: 'Ada' }, emails: [{ value: 'ada@example.com', primary: true }], 'x-empty': [] }), externalId: 'okta-1' };
        const written = outbox({ events: [], memberships: [{ op: 'add', groupId: 'g1', memberId: 'u1', memberType: 'User' }] });

        // Act
        await store.putUser(ada, undefined, written);

        // Assess
        expect(await store.getUser('u1')).toEqual(ada);
        expect(await store.pendingOutbox(userKey('u1'))).toEqual({ key: userKey('u1'), outbox: written });
        expect(await store.listPendingOutboxes(10)).toEqual([{ key: userKey('u1'), outbox: written }]);
      });

      clause('keeps a copy of what was written, not the caller\'s object', async (store) => {
        // Prepare
        const ada = user('u1', 'ada@example.com', 1, { emails: [{ value: 'ada@example.com' }] });
        await putUser(ada);

        // Act
        (ada.attributes.emails as { value: string }[]).push({ value: 'changed-after-the-write@example.com' });
        const read = await store.getUser('u1');
        (read?.attributes.emails as { value: string }[]).push({ value: 'changed-after-the-read@example.com' });

        // Assess
        expect((await store.getUser('u1'))?.attributes.emails).toEqual([{ value: 'ada@example.com' }]);
      });

      clause('clears a delivered outbox, and completing it again does nothing', async (store) => {
        // Prepare
        const ada = user('u1', 'ada@example.com');
        const written = outbox();
        await store.putUser(ada, undefined, written);

        // Act
        await store.completeOutbox(userKey('u1'), written);
        await store.completeOutbox(userKey('u1'), written);

        // Assess
        expect(await store.pendingOutbox(userKey('u1'))).toBeUndefined();
        expect(await store.listPendingOutboxes(10)).toEqual([]);
        expect(await store.getUser('u1')).toEqual(ada);
      });

      clause('refuses every write to a user whose outbox is undelivered as outboxPending, until it is completed', async (store) => {
        // Prepare
        const ada = user('u1', 'ada@example.com');
        const first = outbox();
        await store.putUser(ada, undefined, first);

        // Act
        const replace = await refusal(store.putUser(next(ada, { title: 'Countess' }), ada, outbox()));
        const create = await refusal(store.putUser(ada, undefined, outbox()));
        const remove = await refusal(store.markDeleted(userKey('u1'), 1, outbox({ deleteAfter: true })));
        await store.completeOutbox(userKey('u1'), first);
        await store.putUser(next(ada, { title: 'Countess' }), ada, outbox());

        // Assess
        expect([replace, create, remove]).toEqual(['outboxPending', 'outboxPending', 'outboxPending']);
        expect((await store.getUser('u1'))?.attributes.title).toBe('Countess');
      });

      clause('refuses to create a user under an id that exists as uniqueness', async (store) => {
        // Prepare
        const ada = await putUser(user('u1', 'ada@example.com'));

        // Act
        const code = await refusal(store.putUser(user('u1', 'grace@example.com'), undefined, outbox()));

        // Assess
        expect(code).toBe('uniqueness');
        expect(await store.getUser('u1')).toEqual(ada);
        expect(await store.findUserByUserName('grace@example.com')).toBeUndefined();
      });

      clause('refuses a replace from a stale version as versionMismatch, keeping what is stored', async (store) => {
        // Prepare
        const v1 = await putUser(user('u1', 'ada@example.com'));
        const v2 = await putUser(next(v1, { title: 'Analyst' }), v1);

        // Act
        const code = await refusal(store.putUser(next(v1, { title: 'Stale' }), v1, outbox()));

        // Assess
        expect(code).toBe('versionMismatch');
        expect(await store.getUser('u1')).toEqual(v2);
        expect(await store.pendingOutbox(userKey('u1'))).toBeUndefined();
      });

      clause('refuses a replace of a user that does not exist as versionMismatch, storing nothing', async (store) => {
        // Act
        const code = await refusal(store.putUser(user('u1', 'ada@example.com', 2), user('u1', 'ada@example.com', 1), outbox()));

        // Assess
        expect(code).toBe('versionMismatch');
        expect(await store.getUser('u1')).toBeUndefined();
        expect(await store.findUserByUserName('ada@example.com')).toBeUndefined();
      });

      clause('lets one of two concurrent replaces from the same version win, and refuses the other', async (store) => {
        // Prepare
        const v1 = await putUser(user('u1', 'ada@example.com'));
        const rivals = [next(v1, { title: 'Left' }), next(v1, { title: 'Right' })];

        // Act
        const outcomes = await Promise.allSettled(rivals.map((rival) => store.putUser(rival, v1, outbox())));

        // Assess
        const won = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(lost?.reason).toBeInstanceOf(DirectoryError);
        expect(['versionMismatch', 'outboxPending']).toContain((lost?.reason as DirectoryError).code);
        expect(await store.getUser('u1')).toEqual(rivals[won]);
      });

      clause('finds a user by userName whatever its case, and refuses that userName in any case to another user', async (store) => {
        // Prepare
        const ada = await putUser(user('u1', 'Ada.Lovelace@Example.com'));

        // Act
        const found = await store.findUserByUserName('ada.lovelace@example.COM');
        const code = await refusal(store.putUser(user('u2', 'ADA.LOVELACE@example.com'), undefined, outbox()));

        // Assess
        expect(found).toEqual(ada);
        expect(code).toBe('uniqueness');
        expect(await store.getUser('u2')).toBeUndefined();
        expect(await userIds()).toEqual(['u1']);
      });

      clause('compares userNames in Unicode normal form (NFC)', async (store) => {
        // Prepare: é as one code point, then as e and a combining accent
        const emile = await putUser(user('u1', '\u00e9mile@example.com'));

        // Act
        const found = await store.findUserByUserName('e\u0301mile@example.com');
        const code = await refusal(store.putUser(user('u2', 'E\u0301MILE@example.com'), undefined, outbox()));

        // Assess
        expect(found).toEqual(emile);
        expect(code).toBe('uniqueness');
      });

      clause('gives a userName to exactly one of two concurrent creates', async (store) => {
        // Act
        const outcomes = await Promise.allSettled([
          store.putUser(user('u1', 'ada@example.com'), undefined, outbox()),
          store.putUser(user('u2', 'ADA@example.com'), undefined, outbox()),
        ]);

        // Assess
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const lost = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        expect((lost?.reason as DirectoryError).code).toBe('uniqueness');
        expect(await store.listUsers()).toHaveLength(1);
      });

      clause('moves the userName claim on a rename: the new name is taken, the old one free', async (store) => {
        // Prepare
        const v1 = await putUser(user('u1', 'ann@example.com'));

        // Act
        const v2 = await putUser(next(v1, { userName: 'bob@example.com' }), v1);
        const taken = await refusal(store.putUser(user('u3', 'BOB@example.com'), undefined, outbox()));
        const reused = await putUser(user('u2', 'Ann@example.com'));

        // Assess
        expect(taken).toBe('uniqueness');
        expect(await store.findUserByUserName('bob@example.com')).toEqual(v2);
        expect(await store.findUserByUserName('ann@example.com')).toEqual(reused);
      });

      clause('refuses a rename to a userName another user holds, and the old name stays taken', async (store) => {
        // Prepare
        const ann = await putUser(user('u1', 'ann@example.com'));
        await putUser(user('u2', 'bob@example.com'));

        // Act
        const rename = await refusal(store.putUser(next(ann, { userName: 'Bob@example.com' }), ann, outbox()));
        const reuse = await refusal(store.putUser(user('u3', 'ann@example.com'), undefined, outbox()));

        // Assess
        expect([rename, reuse]).toEqual(['uniqueness', 'uniqueness']);
        expect(await store.getUser('u1')).toEqual(ann);
        expect((await store.findUserByUserName('bob@example.com'))?.id).toBe('u2');
      });

      clause('lets a user change only the case of its userName', async (store) => {
        // Prepare
        const v1 = await putUser(user('u1', 'ann@example.com'));

        // Act
        const v2 = await putUser(next(v1, { userName: 'Ann@Example.com' }), v1);

        // Assess
        expect(await store.findUserByUserName('ANN@example.com')).toEqual(v2);
        expect(await refusal(store.putUser(user('u2', 'ann@example.com'), undefined, outbox()))).toBe('uniqueness');
      });

      clause('keeps a user\'s userName taken when a rename from a stale read is refused', async (store) => {
        // Prepare: two writers read v1; the first renames ann to bob
        const v1 = await putUser(user('u1', 'ann@example.com'));
        const v2 = await putUser(next(v1, { userName: 'bob@example.com' }), v1);

        // Act: the second writer, still on v1, renames to bob as well
        const stale = await refusal(store.putUser(next(v1, { userName: 'bob@example.com', title: 'late' }), v1, outbox()));
        const reuse = await refusal(store.putUser(user('u2', 'bob@example.com'), undefined, outbox()));

        // Assess
        expect([stale, reuse]).toEqual(['versionMismatch', 'uniqueness']);
        expect(await store.findUserByUserName('bob@example.com')).toEqual(v2);
        expect(await store.getUser('u2')).toBeUndefined();
      });

      clause('keeps a user\'s userName taken when a repeated create of it is refused', async (store) => {
        // Prepare
        const ada = await putUser(user('u1', 'ada@example.com'));

        // Act: the same create again (a retried request)
        const repeat = await refusal(store.putUser(ada, undefined, outbox()));
        const other = await refusal(store.putUser(user('u2', 'ada@example.com'), undefined, outbox()));

        // Assess
        expect([repeat, other]).toEqual(['uniqueness', 'uniqueness']);
        expect(await userIds()).toEqual(['u1']);
      });

      clause('finds resources by externalId, per resource type, without the ones being deleted', async (store) => {
        // Prepare
        await putUser({ ...user('u2', 'grace@example.com'), externalId: 'E1' });
        await putUser({ ...user('u1', 'ada@example.com'), externalId: 'E1' });
        await putUser({ ...user('u3', 'alan@example.com'), externalId: 'E2' });
        await putGroup({ ...group('g1', 'Engineering'), externalId: 'E1' });

        // Act
        const before = await store.findIdsByExternalId('User', 'E1');
        await store.markDeleted(userKey('u2'), 1, outbox({ deleteAfter: true }));

        // Assess
        expect(before).toEqual(['u1', 'u2']);
        expect(await store.findIdsByExternalId('User', 'E1')).toEqual(['u1']);
        expect(await store.findIdsByExternalId('Group', 'E1')).toEqual(['g1']);
        expect(await store.findIdsByExternalId('User', 'E9')).toEqual([]);
      });

      clause('reads several users at once, skipping unknown, repeated and deleted ids', async (store) => {
        // Prepare
        const ada = await putUser(user('u1', 'ada@example.com'));
        const grace = await putUser(user('u2', 'grace@example.com'));
        await putUser(user('u3', 'alan@example.com'));
        await store.markDeleted(userKey('u3'), 1, outbox({ deleteAfter: true }));

        // Act
        const read = await store.getUsers(['u2', 'nobody', 'u1', 'u2', 'u3']);

        // Assess
        expect([...read].sort((a, b) => a.id.localeCompare(b.id))).toEqual([ada, grace]);
      });

      clause('lists users by id, without the ones being deleted', async (store) => {
        // Prepare
        for (const id of ['u-c', 'u-a', 'u-b']) await putUser(user(id, `${id}@example.com`));

        // Act
        await store.markDeleted(userKey('u-b'), 1, outbox({ deleteAfter: true }));

        // Assess
        expect(await userIds()).toEqual(['u-a', 'u-c']);
      });
    });

    describe('deletion', () => {
      clause('hides a user marked deleted from every read, its outbox pending', async (store) => {
        // Prepare
        await putUser({ ...user('u1', 'ada@example.com'), externalId: 'E1' });
        const removal = outbox({ deleteAfter: true });

        // Act
        await store.markDeleted(userKey('u1'), 1, removal);

        // Assess
        expect([await store.getUser('u1'), await store.findUserByUserName('ada@example.com')]).toEqual([undefined, undefined]);
        expect([await store.listUsers(), await store.getUsers(['u1']), await store.findIdsByExternalId('User', 'E1')]).toEqual([[], [], []]);
        expect(await store.pendingOutbox(userKey('u1'))).toEqual({ key: userKey('u1'), outbox: removal });
        expect(await store.listPendingOutboxes(10)).toEqual([{ key: userKey('u1'), outbox: removal }]);
      });

      clause('removes a deleted user once its outbox is delivered, freeing its id and userName', async (store) => {
        // Prepare
        await putUser(user('u1', 'ada@example.com'));
        const removal = outbox({ deleteAfter: true });
        await store.markDeleted(userKey('u1'), 1, removal);

        // Act
        await store.completeOutbox(userKey('u1'), removal);
        await store.completeOutbox(userKey('u1'), removal);
        const again = await putUser(user('u1', 'ADA@example.com'));

        // Assess
        expect(await store.getUser('u1')).toEqual(again);
        expect(await store.findUserByUserName('ada@example.com')).toEqual(again);
        expect(await store.listPendingOutboxes(10)).toEqual([]);
      });

      clause('refuses to delete from a stale version, or what does not exist, as versionMismatch, and twice as outboxPending', async (store) => {
        // Prepare
        const v1 = await putUser(user('u1', 'ada@example.com'));
        await putUser(next(v1, { title: 'Countess' }), v1);

        // Act
        const stale = await refusal(store.markDeleted(userKey('u1'), 1, outbox({ deleteAfter: true })));
        const missing = await refusal(store.markDeleted(userKey('nobody'), 1, outbox({ deleteAfter: true })));
        await store.markDeleted(userKey('u1'), 2, outbox({ deleteAfter: true }));
        const twice = await refusal(store.markDeleted(userKey('u1'), 2, outbox({ deleteAfter: true })));

        // Assess
        expect([stale, missing, twice]).toEqual(['versionMismatch', 'versionMismatch', 'outboxPending']);
      });

      clause('lets a new user take the userName of a user being deleted, and keeps it when the deletion completes', async (store) => {
        // Prepare
        await putUser(user('u1', 'ann@example.com'));
        const removal = outbox({ deleteAfter: true });
        await store.markDeleted(userKey('u1'), 1, removal);

        // Act
        const successor = await putUser(user('u2', 'Ann@example.com'));
        await store.completeOutbox(userKey('u1'), removal);
        const third = await refusal(store.putUser(user('u3', 'ann@example.com'), undefined, outbox()));

        // Assess
        expect(third).toBe('uniqueness');
        expect(await store.findUserByUserName('ann@example.com')).toEqual(successor);
      });
    });

    describe('outboxes', () => {
      clause('completes only the outbox it is given: an older one leaves the pending one, an unknown key nothing', async (store) => {
        // Prepare
        const v1 = user('u1', 'ada@example.com');
        const first = outbox();
        await store.putUser(v1, undefined, first);
        await store.completeOutbox(userKey('u1'), first);
        const second = outbox();
        await store.putUser(next(v1, { title: 'Countess' }), v1, second);

        // Act
        await store.completeOutbox(userKey('u1'), first);
        await store.completeOutbox(userKey('nobody'), first);
        await store.completeOutbox(groupKey('u1'), second);

        // Assess
        expect(await store.pendingOutbox(userKey('u1'))).toEqual({ key: userKey('u1'), outbox: second });
        expect(await store.getUser('nobody')).toBeUndefined();
        expect(await store.getGroup('u1')).toBeUndefined();
        expect(await store.listPendingOutboxes(10)).toEqual([{ key: userKey('u1'), outbox: second }]);
      });

      clause('lists undelivered outboxes oldest first, across users and groups, up to the limit', async (store) => {
        // Prepare
        const writes: [ResourceKey, Outbox][] = [
          [userKey('u1'), outbox({ createdAt: iso(3) })],
          [groupKey('g1'), outbox({ createdAt: iso(1) })],
          [userKey('u2'), outbox({ createdAt: iso(2) })],
          [groupKey('g2'), outbox({ createdAt: iso(4) })],
        ];
        for (const [key, pending] of writes) {
          if (key.type === 'User') await store.putUser(user(key.id, `${key.id}@example.com`), undefined, pending);
          else await store.putGroup(group(key.id, key.id), undefined, pending);
        }
        await putUser(user('u-delivered', 'delivered@example.com'));

        // Act
        const all = await store.listPendingOutboxes(10);
        const first = await store.listPendingOutboxes(2);

        // Assess
        expect(all.map((entry) => `${entry.key.type}:${entry.key.id}`)).toEqual(['Group:g1', 'User:u2', 'User:u1', 'Group:g2']);
        expect(all[0]).toEqual({ key: groupKey('g1'), outbox: writes[1]?.[1] });
        expect(first.map((entry) => entry.key.id)).toEqual(['g1', 'u2']);
      });
    });

    describe('groups', () => {
      clause('writes groups on the same versions and outboxes as users, with no uniqueness of displayName', async (store) => {
        // Prepare
        const g1 = await putGroup(group('g1', 'Engineering'));
        await putGroup(group('g2', 'Engineering'));
        const g1v2 = { ...g1, displayName: 'Platform', version: 2, attributes: { displayName: 'Platform' } };
        const pending = outbox();

        // Act
        await store.putGroup(g1v2, g1, pending);
        const whilePending = await refusal(store.putGroup({ ...g1v2, version: 3 }, g1v2, outbox()));
        await store.completeOutbox(groupKey('g1'), pending);
        const stale = await refusal(store.putGroup({ ...g1, version: 2 }, g1, outbox()));
        const existing = await refusal(store.putGroup(group('g2', 'Other'), undefined, outbox()));

        // Assess
        expect([whilePending, stale, existing]).toEqual(['outboxPending', 'versionMismatch', 'uniqueness']);
        expect(await store.getGroup('g1')).toEqual(g1v2);
        expect((await store.listGroups()).map((g) => [g.id, g.displayName])).toEqual([['g1', 'Platform'], ['g2', 'Engineering']]);
        expect((await store.getGroups(['g2', 'g1', 'g9'])).map((g) => g.id).sort()).toEqual(['g1', 'g2']);
      });

      clause('hides a group marked deleted and removes it once its outbox is delivered', async (store) => {
        // Prepare
        await putGroup(group('g1', 'Engineering'));
        const removal = outbox({ deleteAfter: true });

        // Act
        await store.markDeleted(groupKey('g1'), 1, removal);
        const whileDeleting = [await store.getGroup('g1'), await store.listGroups(), await store.getGroups(['g1'])];
        await store.completeOutbox(groupKey('g1'), removal);

        // Assess
        expect(whileDeleting).toEqual([undefined, [], []]);
        expect(await store.pendingOutbox(groupKey('g1'))).toBeUndefined();
        expect(await putGroup(group('g1', 'Engineering again'))).toEqual(await store.getGroup('g1'));
      });

      clause('keeps users and groups apart, even under the same id', async (store) => {
        // Prepare
        const person = await putUser(user('same-id', 'ada@example.com'));
        await putGroup(group('same-id', 'Engineering'));

        // Act
        await store.markDeleted(groupKey('same-id'), 1, outbox({ deleteAfter: true }));

        // Assess
        expect(await store.getUser('same-id')).toEqual(person);
        expect(await store.getGroup('same-id')).toBeUndefined();
        expect(await store.pendingOutbox(userKey('same-id'))).toBeUndefined();
      });
    });

    clause('projects memberships both ways, ordered by id, and applies each change idempotently', async (store) => {
      // Act
      for (const [groupId, memberId, memberType] of [['g1', 'u2', 'User'], ['g1', 'u1', 'User'], ['g1', 'g9', 'Group'], ['g2', 'u1', 'User'], ['g1', 'u1', 'User']] as const) {
        await store.applyMembership({ op: 'add', groupId, memberId, memberType });
      }
      const added = [await store.membersOf('g1'), await store.groupIdsOf('u1')];
      await store.applyMembership({ op: 'remove', groupId: 'g1', memberId: 'u1', memberType: 'User' });
      await store.applyMembership({ op: 'remove', groupId: 'g1', memberId: 'u1', memberType: 'User' });
      await store.applyMembership({ op: 'remove', groupId: 'g3', memberId: 'u1', memberType: 'User' });

      // Assess
      expect(added).toEqual([
        [
          { groupId: 'g1', memberId: 'g9', memberType: 'Group' },
          { groupId: 'g1', memberId: 'u1', memberType: 'User' },
          { groupId: 'g1', memberId: 'u2', memberType: 'User' },
        ],
        ['g1', 'g2'],
      ]);
      expect((await store.membersOf('g1')).map((m) => m.memberId)).toEqual(['g9', 'u2']);
      expect(await store.groupIdsOf('u1')).toEqual(['g2']);
      expect(await store.groupIdsOf('g9')).toEqual(['g1']);
    });

    describe('canonical identifiers (README "Identifiers")', () => {
      const jane = 'jane.doe@example.com';
      // Fullwidth letters, a Cyrillic а (U+0430) in the Latin name, a zero for an o, "rn" for "m", upper case.
      const lookalikes = ['\uFF4A\uFF41\uFF4E\uFF45.doe@example.com', 'j\u0430ne.doe@example.com', 'jane.d0e@example.com', 'jane.doe@exarnple.com', 'JANE.DOE@EXAMPLE.COM'];

      for (const stage of ['on a fresh store', 'once the match index is backfilled'] as const) {
        clause(`refuses a userName that equals or looks like a live user's as uniqueness, ${stage}`, async (store) => {
          // Prepare
          if (stage !== 'on a fresh store') await store.backfillMatchIndex();
          await putUser(user('u1', jane));

          // Act
          const refusals = [];
          for (const [index, name] of lookalikes.entries()) refusals.push(await refusal(store.putUser(user(`u${index + 2}`, name), undefined, outbox())));

          // Assess
          expect(refusals).toEqual(lookalikes.map(() => 'uniqueness'));
          expect(await userIds()).toEqual(['u1']);
          expect((await store.findUserByUserName('\uFF2A\uFF21\uFF2E\uFF25.doe@example.com'))?.id).toBe('u1');
        });
      }

      clause('releases both claims on a rename: a look-alike of the old name is free, of the new name taken', async (store) => {
        // Prepare
        await store.backfillMatchIndex();
        const v1 = await putUser(user('u1', 'paypal@example.com'));
        await putUser(next(v1, { userName: 'ebay@example.com' }), v1);

        // Act
        await putUser(user('u2', 'p\u0430yp\u0430l@example.com'));
        const taken = await refusal(store.putUser(user('u3', 'eb\u0430y@example.com'), undefined, outbox()));

        // Assess
        expect(taken).toBe('uniqueness');
        expect(await userIds()).toEqual(['u1', 'u2']);
      });

      clause('releases both claims once a deletion is delivered, and does not free a look-alike taken meanwhile', async (store) => {
        // Prepare
        await store.backfillMatchIndex();
        await putUser(user('u1', 'paypal@example.com'));
        const deletion = outbox({ deleteAfter: true });
        await store.markDeleted(userKey('u1'), 1, deletion);

        // Act: a look-alike while the deletion is pending, its delivery, then another look-alike
        await putUser(user('u2', 'p\u0430ypal@example.com'));
        await store.completeOutbox(userKey('u1'), deletion);
        const third = await refusal(store.putUser(user('u3', 'paypa1@example.com'), undefined, outbox()));

        // Assess
        expect(third).toBe('uniqueness');
        expect(await userIds()).toEqual(['u2']);
        expect((await store.findUserByUserName('paypal@example.com'))).toBeUndefined();
      });

      clause('keeps no look-alike claim from a rename refused as stale, and the kept name\'s look-alikes taken', async (store) => {
        // Prepare
        await store.backfillMatchIndex();
        const v1 = await putUser(user('u1', 'ann@example.com'));
        await putUser(next(v1, { title: 'Engineer' }), v1);

        // Act
        const stale = await refusal(store.putUser(next(v1, { userName: 'bob@example.com' }), v1, outbox()));
        await putUser(user('u2', 'b0b@example.com'));
        const kept = await refusal(store.putUser(user('u3', '\u0430nn@example.com'), undefined, outbox()));

        // Assess
        expect([stale, kept]).toEqual(['versionMismatch', 'uniqueness']);
        expect((await store.getUser('u1'))?.userName).toBe('ann@example.com');
        expect(await userIds()).toEqual(['u1', 'u2']);
        });
      });

    describe('versioned membership rows', () => {
      const change = (op: 'add' | 'remove', memberId: string, version: number): MembershipChange => ({ op, groupId: 'g1', memberId, memberType: 'User', version });
      /** v1 adds u1 and u2; v2 removes u1 and re-adds u3, which v1 removed. */
      const v1 = [change('add', 'u1', 1), change('add', 'u2', 1), change('remove', 'u3', 1)];
      const v2 = [change('remove', 'u1', 2), change('add', 'u3', 2)];

      clause('leaves the rows as the newer version says, whichever outbox is delivered first', async (store) => {
        // Act: the newer one first, then the older one late (a recovery tick behind a request)
        for (const applied of [...v2, ...v1]) await store.applyMembership(applied);
        const late = [await store.membersOf('g1'), await store.groupIdsOf('u1'), await store.groupIdsOf('u3')];
        for (const applied of [...v1, ...v2, ...v1]) await store.applyMembership(applied);

        // Assess
        const expected = [[{ groupId: 'g1', memberId: 'u2', memberType: 'User' }, { groupId: 'g1', memberId: 'u3', memberType: 'User' }], [], ['g1']];
        expect(late).toEqual(expected);
        expect([await store.membersOf('g1'), await store.groupIdsOf('u1'), await store.groupIdsOf('u3')]).toEqual(expected);
      });

      clause('leaves the rows as the newer version says when both outboxes are delivered at once', async (store) => {
        // Act: the older changes sent last, as a stale redelivery overlapping the newer one
        await Promise.all([...v2, ...v1, ...v2, ...v1].map((applied) => store.applyMembership(applied)));

        // Assess
        expect((await store.membersOf('g1')).map((m) => m.memberId)).toEqual(['u2', 'u3']);
        expect(await store.groupIdsOf('u1')).toEqual([]);
      });

      clause('keeps a member removed for good (deleted) out, whatever later group version adds them', async (store) => {
        // Act
        await store.applyMembership(change('remove', 'u1', MEMBER_GONE));
        await store.applyMembership(change('add', 'u1', 7));

        // Assess
        expect(await store.membersOf('g1')).toEqual([]);
        expect(await store.groupIdsOf('u1')).toEqual([]);
      });
    });

    describe('large outboxes', () => {
      /** An outbox of a group write adding `count` members, each with a mover event: far past 400 KB at 2,000. */
      const largeOutbox = (count: number, extra: Partial<Outbox> = {}): Outbox => {
        const ids = Array.from({ length: count }, (_, index) => `user-${String(index).padStart(5, '0')}-${'x'.repeat(24)}`);
        return outbox({
          memberships: ids.map((memberId) => ({ op: 'add', groupId: 'g1', memberId, memberType: 'User', version: 2 })),
          events: ids.map((personId) => ({
            eventId: `event-${personId}`,
            kind: 'mover',
            personId,
            occurredAt: iso(),
            source: { channel: 'scim', actor: 'okta' },
            before: { id: personId, userName: `${personId}@example.com`, active: true, displayName: 'Ada Lovelace ✓ 😀', title: 'Engineer' },
            after: { id: personId, userName: `${personId}@example.com`, active: true, displayName: 'Ada Lovelace ✓ 😀', title: 'Engineer' },
            changes: ['groups'],
            groupsAdded: [{ id: 'g1', displayName: 'Engineering' }],
          })),
          ...extra,
        });
      };

      clause('keeps a group write whose outbox is past the 400 KB item limit, reads it back whole and clears it', async (store) => {
        // Prepare
        const g1 = await putGroup(group('g1', 'Engineering'));
        const pending = largeOutbox(2000);
        expect(JSON.stringify(pending).length).toBeGreaterThan(1_000_000);

        // Act
        await store.putGroup({ ...g1, version: 2 }, g1, pending);
        const read = [await store.pendingOutbox(groupKey('g1')), await store.listPendingOutboxes(10)];
        const whilePending = await refusal(store.putGroup({ ...g1, version: 3 }, { ...g1, version: 2 }, outbox()));
        await store.completeOutbox(groupKey('g1'), pending);

        // Assess
        expect(read).toEqual([{ key: groupKey('g1'), outbox: pending }, [{ key: groupKey('g1'), outbox: pending }]]);
        expect(whilePending).toBe('outboxPending');
        expect(await store.pendingOutbox(groupKey('g1'))).toBeUndefined();
        expect(await store.listPendingOutboxes(10)).toEqual([]);
        expect(await store.getGroup('g1')).toEqual({ ...g1, version: 2 });
      });

      clause('keeps a large outbox of a delete, and removes the item once it is delivered', async (store) => {
        // Prepare
        await putGroup(group('g1', 'Engineering'));
        const removal = largeOutbox(1500, { deleteAfter: true });

        // Act
        await store.markDeleted(groupKey('g1'), 1, removal);
        const read = await store.pendingOutbox(groupKey('g1'));
        await store.completeOutbox(groupKey('g1'), removal);

        // Assess
        expect(read).toEqual({ key: groupKey('g1'), outbox: removal });
        expect(await store.pendingOutbox(groupKey('g1'))).toBeUndefined();
        expect(await store.getGroup('g1')).toBeUndefined();
      });

      clause('records delivery progress of the pending outbox only, never backwards, and forgets it with the outbox', async (store) => {
        // Prepare
        const g1 = await putGroup(group('g1', 'Engineering'));
        const pending = largeOutbox(1200);
        await store.putGroup({ ...g1, version: 2 }, g1, pending);

        // Act
        await store.recordOutboxProgress(groupKey('g1'), pending.id, 2);
        await store.recordOutboxProgress(groupKey('g1'), pending.id, 1);
        await store.recordOutboxProgress(groupKey('g1'), 'another-outbox', 3);
        const progress = (await store.pendingOutbox(groupKey('g1')))?.deliveredParts;
        const listed = (await store.listPendingOutboxes(1))[0]?.deliveredParts;
        await store.completeOutbox(groupKey('g1'), pending);
        const next = outbox();
        await store.putGroup({ ...g1, version: 3 }, { ...g1, version: 2 }, next);

        // Assess
        expect([progress, listed]).toEqual([2, 2]);
        expect(await store.pendingOutbox(groupKey('g1'))).toEqual({ key: groupKey('g1'), outbox: next });
      });
    });

    describe('the HR match-key index', () => {
      const withKeys = (id: string, employeeNumber: string, emails: string[]): UserRecord =>
        user(id, `${id}@idp.example`, 1, { emails: emails.map((value) => ({ value })), [ENTERPRISE_USER_SCHEMA]: { employeeNumber } });

      clause('says the index is incomplete until backfilled, then complete, and backfills idempotently', async (store) => {
        // Prepare
        await putUser(withKeys('u1', 'N-1', ['ada@example.com']));
        await putUser(withKeys('u2', 'N-2', ['grace@example.com']));
        await putUser(withKeys('u3', 'N-3', ['alan@example.com']));
        await store.markDeleted(userKey('u3'), 1, outbox({ deleteAfter: true }));
        const before = await store.hasMatchIndex();

        // Act
        const first = await store.backfillMatchIndex();
        const second = await store.backfillMatchIndex();

        // Assess
        expect(before).toBe(false);
        expect([first, second]).toEqual([
          { users: 2, collidingUserIds: [] },
          { users: 2, collidingUserIds: [] },
        ]);
        expect(await store.hasMatchIndex()).toBe(true);
        expect(await store.findUserIdsByMatchKey(employeeNumberKey('N-2'))).toEqual(['u2']);
      });

      clause('finds a user by its employee number and by each of its emails, lower-cased', async (store) => {
        // Prepare
        await putUser(withKeys('u1', 'N-1906', ['Grace@Example.com', 'g.hopper@navy.example']));
        await putUser(withKeys('u2', 'N-1910', ['dorothy@example.com']));

        // Act
        const found = await Promise.all([employeeNumberKey('N-1906'), emailKey('grace@example.com'), emailKey('G.Hopper@Navy.example')].map((key) => store.findUserIdsByMatchKey(key)));

        // Assess
        expect(found).toEqual([['u1'], ['u1'], ['u1']]);
        expect(await store.findUserIdsByMatchKey(employeeNumberKey('N-0'))).toEqual([]);
      });

      clause('follows a user\'s keys as they change, and lists every user that has a key, by id', async (store) => {
        // Prepare
        const v1 = await putUser(withKeys('u2', 'N-2', ['shared@example.com']));
        await putUser(withKeys('u1', 'N-1', ['shared@example.com']));

        // Act
        await putUser(next(v1, { emails: [{ value: 'new@example.com' }, { value: 'shared@example.com' }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'N-22' } }), v1);

        // Assess
        expect(await store.findUserIdsByMatchKey(emailKey('shared@example.com'))).toEqual(['u1', 'u2']);
        expect(await store.findUserIdsByMatchKey(emailKey('new@example.com'))).toEqual(['u2']);
        expect(await store.findUserIdsByMatchKey(employeeNumberKey('N-22'))).toEqual(['u2']);
      });

      clause('still finds a user by its keys after a write from a stale read is refused', async (store) => {
        // Prepare: two writers read v1; the first adds an email
        const v1 = await putUser(withKeys('u1', 'N-1', ['old@example.com']));
        await putUser(next(v1, { emails: [{ value: 'old@example.com' }, { value: 'new@example.com' }] }), v1);

        // Act: the second writer, still on v1, adds the same email
        const stale = await refusal(store.putUser(next(v1, { emails: [{ value: 'old@example.com' }, { value: 'new@example.com' }], title: 'late' }), v1, outbox()));

        // Assess
        expect(stale).toBe('versionMismatch');
        expect(await store.findUserIdsByMatchKey(emailKey('new@example.com'))).toEqual(['u1']);
        expect(await store.findUserIdsByMatchKey(employeeNumberKey('N-1'))).toEqual(['u1']);
      });
    });

  });
}
