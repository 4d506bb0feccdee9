import { describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryTable } from '../../../lib/adapters/dynamodb/tableDefinitions.js';
import { type GroupMember, groupOutbox } from '../../../lib/directory/groupOutbox.js';
import { MEMBERSHIPS_PER_PART } from '../../../lib/directory/outboxParts.js';
import { OutboxRelay } from '../../../lib/directory/OutboxRelay.js';
import type { GroupRecord, Outbox, PendingOutbox, UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { LifecyclePipeline } from '../../../lib/lifecycle/LifecyclePipeline.js';
import type { DirectoryStore } from '../../../lib/ports/DirectoryStore.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { onFreshTables } from '../../support/onFreshTables.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const source = { channel: 'scim', actor: 'okta' } as const;
const GROUP_KEY = { type: 'Group', id: 'g1' } as const;

/** A promise the test resolves when it chooses: holds one delivery at a point, deterministically. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const userRecord = (id: string): UserRecord => ({ id, userName: `${id}@example.com`, active: true, version: 1, created: iso(0), lastModified: iso(0), attributes: { userName: `${id}@example.com` } });
const groupRecord = (version: number): GroupRecord => ({ id: 'g1', displayName: 'Engineering', version, created: iso(0), lastModified: iso(version), attributes: { displayName: 'Engineering' } });
const members = (ids: readonly string[]): GroupMember[] => ids.map((value) => ({ value, type: 'User' }));

const stores: [string, () => Promise<DirectoryStore>][] = [
  ['in memory', async () => new InMemoryDirectoryStore()],
  ['on DynamoDB', onFreshTables(directoryTable, (db, tableName) => new DynamoDirectoryStore(db, tableName))],
];

/** A directory with users, a relay over an in-memory ledger, and a way to write group versions. */
async function setUp(openStore: () => Promise<DirectoryStore>, userIds: readonly string[]) {
  const store = await openStore();
  const ledgerStore = new InMemoryLedgerStore();
  const pipeline = new LifecyclePipeline({ ledger: new Ledger(ledgerStore, () => new Date(T0)), planner: { planEvent: async () => undefined } });
  for (const id of userIds) {
    const written: Outbox = { id: `create-${id}`, createdAt: iso(0), events: [], memberships: [] };
    await store.putUser(userRecord(id), undefined, written);
    await store.completeOutbox({ type: 'User', id }, written);
  }
  let current: { group: GroupRecord; members: readonly string[] } | undefined;
  /** Writes the next version of g1 with these members; returns its pending outbox, undelivered. */
  const write = async (next: readonly string[]): Promise<PendingOutbox> => {
    const group = groupRecord((current?.group.version ?? 0) + 1);
    const outbox = await groupOutbox(store, {
      change: current ? 'updated' : 'created',
      group,
      before: current?.group ?? null,
      previous: members(current?.members ?? []),
      next: members(next),
      source,
      timestamp: iso(group.version),
    });
    await store.putGroup(group, current?.group, outbox);
    current = { group, members: next };
    return { key: GROUP_KEY, outbox };
  };
  /** Per member: whether their last ledger event about g1 says they joined it. */
  const ledgerSays = async (ids: readonly string[]): Promise<string[]> => {
    const joined: string[] = [];
    for (const id of ids) {
      const aboutGroup = (await ledgerStore.chain(`person#${id}`)).filter((event) => JSON.stringify(event.detail).includes('"g1"'));
      if ((aboutGroup.at(-1)?.detail as { groupsAdded?: unknown } | undefined)?.groupsAdded) joined.push(id);
    }
    return joined;
  };
  const membersNow = async (): Promise<string[]> => (await store.membersOf('g1')).map((m) => m.memberId);
  return { store, ledgerStore, pipeline, write, ledgerSays, membersNow };
}

describe.each(stores)('OutboxRelay redelivery (%s)', (_name, openStore) => {
  it('leaves SCIM membership as the last ledger event says when an outbox is delivered twice at once and again after a later change', async () => {
    // Prepare
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const { store, ledgerStore, pipeline, write, ledgerSays, membersNow } = await setUp(openStore, ids);
    const v1 = await write(['u1', 'u2', 'u3']);
    await new OutboxRelay(store, pipeline).deliver(v1);
    const v2 = await write(['u2', 'u3', 'u4', 'u5']);
    // The recovery tick's copy of v2 stops before its first row until the test opens the gate.
    const held = gate();
    const reached = gate();
    const heldStore: DirectoryStore = Object.assign(Object.create(store) as DirectoryStore, {
      applyMembership: async (...args: Parameters<DirectoryStore['applyMembership']>) => {
        reached.open();
        await held.opened;
        return store.applyMembership(...args);
      },
    });
    const relay = new OutboxRelay(store, pipeline);

    // Act: the request's delivery and a recovery delivery of v2 at once; v3 written and delivered
    // while the recovery copy is held; then the held copy goes on, and v1 is delivered once more.
    const recovery = new OutboxRelay(heldStore, pipeline).deliver(v2);
    await reached.opened;
    await relay.deliver(v2);
    await relay.deliver(await write(['u1', 'u2', 'u5']));
    held.open();
    await recovery;
    await relay.deliver(v1);

    // Assess
    expect(await membersNow()).toEqual(['u1', 'u2', 'u5']);
    expect(await ledgerSays(ids)).toEqual(['u1', 'u2', 'u5']);
    expect(await store.pendingOutbox(GROUP_KEY)).toBeUndefined();
    const personEvents = (await Promise.all(ids.map((id) => ledgerStore.chain(`person#${id}`)))).flat();
    expect(new Set(personEvents.map((event) => event.eventId)).size).toBe(personEvents.length);
  });
});

// Delivery progress is a relay concern over the port (both adapters keep it: the contract suite),
// so one store is enough here; 1,100 users on the embedded engine would take most of a minute.
// Even in memory each test hashes a few thousand ledger events: about 15 s alone on two cores, so
// the budget allows for a loaded machine (a CI run beside other suites took over 20 s).
describe('OutboxRelay resuming a large outbox', { timeout: 90_000 }, () => {
  it('resumes a delivery cut short after the last part it recorded, writing each row and event once', async () => {
    // Prepare: a group write adding more members than fit one part
    const ids = Array.from({ length: MEMBERSHIPS_PER_PART * 2 + 100 }, (_, index) => `u${String(index).padStart(4, '0')}`);
    const { store, ledgerStore, pipeline, write, ledgerSays, membersNow } = await setUp(async () => new InMemoryDirectoryStore(), ids);
    const pending = await write(ids);
    let runs = 0;
    const failingSecondPart = {
      run: async (...args: Parameters<LifecyclePipeline['run']>) => {
        if (++runs === 2) throw new Error('the process stops here');
        return pipeline.run(...args);
      },
    };
    const applied: string[] = [];
    const countingStore: DirectoryStore = Object.assign(Object.create(store) as DirectoryStore, {
      applyMembership: async (...args: Parameters<DirectoryStore['applyMembership']>) => {
        applied.push(args[0].memberId);
        return store.applyMembership(...args);
      },
    });

    // Act
    await expect(new OutboxRelay(countingStore, failingSecondPart).deliver(pending)).rejects.toThrow('the process stops here');
    const resumedFrom = (await store.pendingOutbox(GROUP_KEY))?.deliveredParts;
    const recovered = await new OutboxRelay(countingStore, pipeline).recover();

    // Assess: part 1's rows once, part 2's twice (its rows landed before its events failed), part 3's once
    expect([resumedFrom, recovered]).toEqual([1, 1]);
    expect(applied.length).toBe(ids.length + MEMBERSHIPS_PER_PART);
    expect(await membersNow()).toEqual(ids);
    expect(await ledgerSays(ids)).toEqual(ids);
    expect((await ledgerStore.chain('group#g1')).length).toBe(1);
  });

  it('stops between parts when out of time, always after one part, and leaves the rest for the next delivery', async () => {
    // Prepare
    const ids = Array.from({ length: MEMBERSHIPS_PER_PART * 2 + 1 }, (_, index) => `u${String(index).padStart(4, '0')}`);
    const { store, pipeline, write, membersNow } = await setUp(async () => new InMemoryDirectoryStore(), ids);
    const pending = await write(ids);
    const relay = new OutboxRelay(store, pipeline);

    // Act
    const first = await relay.deliver(pending, () => false);
    const afterFirst = [(await store.pendingOutbox(GROUP_KEY))?.deliveredParts, (await membersNow()).length];
    const second = await relay.deliver((await store.pendingOutbox(GROUP_KEY)) as PendingOutbox);

    // Assess
    expect([first, afterFirst, second]).toEqual([false, [1, MEMBERSHIPS_PER_PART], true]);
    expect(await membersNow()).toEqual(ids);
    expect(await store.pendingOutbox(GROUP_KEY)).toBeUndefined();
  });
});
