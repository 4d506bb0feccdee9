import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { AuditStore, EventFilter, EventPage } from '../../lib/ports/AuditStore.js';
import type { LedgerPruner } from '../../lib/ports/LedgerArchive.js';
import type { LedgerStore } from '../../lib/ports/LedgerStore.js';
import { rejection } from '../support/rejection.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

/** The ledger adapter's three faces: the writers' store, the auditor's reads, the retention job's pruner. */
export type LedgerStores = LedgerStore & AuditStore & LedgerPruner;

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** An event as the Ledger would have written it; the stores check no hash, so any hex will do. */
const event = (chain: string, seq: number, recordedAt: string, overrides: Partial<LedgerEvent> = {}): LedgerEvent => ({
  eventId: `${chain}:${seq}`,
  chain,
  type: 'step.grant',
  occurredAt: recordedAt,
  source: { channel: 'system', actor: 'fanout', requestId: `req-${seq}` },
  outcome: 'applied',
  seq,
  recordedAt,
  prevHash: seq === 1 ? '0'.repeat(64) : sha(`${chain}:${seq - 1}`),
  hash: sha(`${chain}:${seq}`),
  ...overrides,
});

const seqs = (events: readonly LedgerEvent[]): number[] => events.map((e) => e.seq);
const keys = (events: readonly LedgerEvent[]): string[] => events.map((e) => `${e.chain}:${e.seq}`);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Every page of a query, following nextCursor to the end; each page within the limit. */
async function allPages(read: (filter: EventFilter) => Promise<EventPage>, filter: EventFilter): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read({ ...filter, ...(cursor ? { cursor } : {}) });
    expect(page.events.length).toBeLessThanOrEqual(filter.limit);
    events.push(...page.events);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 50);
  expect(cursor).toBeUndefined();
  return events;
}

/**
 * What every ledger adapter promises: an append-only store of hash-chained events where a
 * (chain, seq) slot is written once (the loser of a race is told, never overwrites), with the
 * chain's recent events newest first; the auditor's reads by person, app, entitlement and time,
 * each in record-time order (or newest first), a page at a time behind opaque cursors that only
 * the query that issued them accepts; and the retention job's pruning of archived events.
 * `openStores` returns a fresh, empty ledger per test.
 */
export function describeLedgerStoreContract(name: string, openStores: () => Promise<LedgerStores>, options: ContractOptions = {}): void {
  describeContract(`LedgerStore and AuditStore contract: ${name}`, openStores, options, (clause, current) => {
    /** Inserts each event, expecting every slot to be free. */
    const insertAll = async (events: readonly LedgerEvent[]): Promise<void> => {
      for (const e of events) expect(await current().insert(e), `${e.chain}:${e.seq}`).toBe(true);
    };

    clause('holds nothing before the first insert', async (store) => {
      // Act
      const reads = [await store.recent('person#p1', iso(0)), await store.chain('person#p1'), await store.forPerson('p1'), await store.chainHead('person#p1')];

      // Assess
      expect(reads).toEqual([[], [], [], undefined]);
      expect(await collect(store.chains())).toEqual([]);
      expect(await store.byTime({ from: iso(-DAY), to: iso(DAY), limit: 10 })).toEqual({ events: [] });
    });

    clause('reads an inserted event back exactly', async (store) => {
      // Prepare
      const written = event('person#p1', 1, iso(0), {
        type: 'lifecycle.mover',
        outcome: 'recorded',
        personId: 'p1',
        before: { title: 'Engineer', groups: [] },
        after: { title: 'Staff Engineer', groups: ['g1'] },
        detail: { changes: ['title'], nested: { list: [1, 'two', null] } },
      });

      // Act
      const inserted = await store.insert(written);

      // Assess
      expect(inserted).toBe(true);
      expect(await store.chain('person#p1')).toEqual([written]);
      expect(await store.chainHead('person#p1')).toEqual(written);
    });

    clause('never overwrites a taken slot: the second writer is told it lost', async (store) => {
      // Prepare
      const first = event('person#p1', 1, iso(0), { eventId: 'first' });
      await store.insert(first);

      // Act
      const second = await store.insert(event('person#p1', 1, iso(MINUTE), { eventId: 'second' }));

      // Assess
      expect(second).toBe(false);
      expect(await store.chain('person#p1')).toEqual([first]);
    });

    clause('gives a slot to exactly one of concurrent writers', async (store) => {
      // Prepare
      const rivals = ['a', 'b', 'c', 'd'].map((writer) => event('person#p1', 1, iso(0), { eventId: writer }));

      // Act
      const won = await Promise.all(rivals.map((rival) => store.insert(rival)));

      // Assess
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await store.chain('person#p1')).toEqual([rivals[won.indexOf(true)]]);
    });

    clause('keeps chains apart: the same seq in two chains is two events', async (store) => {
      // Act
      const inserted = [await store.insert(event('person#p1', 1, iso(0))), await store.insert(event('person#p2', 1, iso(0)))];

      // Assess
      expect(inserted).toEqual([true, true]);
      expect(keys(await store.chain('person#p1'))).toEqual(['person#p1:1']);
      expect(keys(await store.chain('person#p2'))).toEqual(['person#p2:1']);
    });

    clause('reads a chain in seq order (numeric), whatever order the slots were written in', async (store) => {
      // Prepare
      const order = [10, 2, 9, 1, 11, 3];

      // Act
      await insertAll(order.map((seq) => event('person#p1', seq, iso(seq * MINUTE))));

      // Assess
      expect(seqs(await store.chain('person#p1'))).toEqual([1, 2, 3, 9, 10, 11]);
      expect(seqs(await collect(store.chainEvents('person#p1')))).toEqual([1, 2, 3, 9, 10, 11]);
      expect((await store.chainHead('person#p1'))?.seq).toBe(11);
    });

    clause('reads recent events newest first: all since the given time, and at least the head', async (store) => {
      // Prepare: more events than one page of a query
      await insertAll(Array.from({ length: 30 }, (_, i) => event('person#p1', i + 1, iso(i * MINUTE))));

      // Act
      const sinceTwentieth = await store.recent('person#p1', iso(19 * MINUTE));
      const sinceFuture = await store.recent('person#p1', iso(DAY));
      const sinceStart = await store.recent('person#p1', iso(0));

      // Assess
      expect(seqs(sinceTwentieth)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20]);
      expect(seqs(sinceFuture)).toEqual([30]);
      expect(seqs(sinceStart)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
      expect(await store.recent('person#p2', iso(0))).toEqual([]);
    });

    clause('reads every event about a person across chains in the order recorded, and no one else\'s', async (store) => {
      // Prepare
      await insertAll([
        event('person#p1', 1, iso(0), { personId: 'p1', type: 'lifecycle.joiner' }),
        event('access#p1#slack', 1, iso(3 * MINUTE), { personId: 'p1', app: 'slack' }),
        event('access#p1#github', 1, iso(2 * MINUTE), { personId: 'p1', app: 'github' }),
        event('person#p2', 1, iso(MINUTE), { personId: 'p2' }),
        event('group#g1', 1, iso(MINUTE), { type: 'group.created' }),
        event('person#p1', 2, iso(4 * MINUTE), { personId: 'p1', type: 'lifecycle.mover' }),
      ]);

      // Act
      const history = await store.forPerson('p1');

      // Assess
      expect(keys(history)).toEqual(['person#p1:1', 'access#p1#github:1', 'access#p1#slack:1', 'person#p1:2']);
    });

    describe('the auditor\'s reads', () => {
      // p1's events, one every ten minutes, alternating apps; p2 and a group in between.
      const history = (): LedgerEvent[] => [
        ...Array.from({ length: 7 }, (_, i) =>
          event(`access#p1#${i % 2 ? 'slack' : 'github'}`, Math.floor(i / 2) + 1, iso(i * 10 * MINUTE), {
            personId: 'p1',
            app: i % 2 ? 'slack' : 'github',
            entitlement: i % 3 ? 'team:platform' : 'team:security',
          }),
        ),
        event('access#p2#github', 1, iso(15 * MINUTE), { personId: 'p2', app: 'github', entitlement: 'team:platform' }),
        event('group#g1', 1, iso(25 * MINUTE), { type: 'group.created' }),
      ];
      const p1 = (): string[] => keys(history().filter((e) => e.personId === 'p1'));

      clause('reads a person\'s events oldest first, or newest first, a page at a time', async (store) => {
        // Prepare
        await insertAll(history());

        // Act
        const oldestFirst = await allPages((filter) => store.byPerson('p1', filter), { limit: 3 });
        const newestFirst = await allPages((filter) => store.byPerson('p1', filter), { limit: 2, descending: true });
        const whole = await allPages((filter) => store.byPerson('p1', filter), { limit: 7 });
        const first = await store.byPerson('p1', { limit: 3 });

        // Assess
        expect(keys(oldestFirst)).toEqual(p1());
        expect(keys(newestFirst)).toEqual([...p1()].reverse());
        expect(keys(whole)).toEqual(p1());
        expect(keys(first.events)).toEqual(p1().slice(0, 3));
        expect(first.nextCursor).toEqual(expect.any(String));
      });

      clause('reads an app\'s events across people, and an entitlement\'s within its app', async (store) => {
        // Prepare
        await insertAll(history());

        // Act
        const github = await allPages((filter) => store.byApp('github', filter), { limit: 2 });
        const platform = await allPages((filter) => store.byEntitlement('github', 'team:platform', filter), { limit: 10 });
        const nowhere = await store.byApp('okta', { limit: 10 });

        // Assess
        expect(keys(github)).toEqual(['access#p1#github:1', 'access#p2#github:1', 'access#p1#github:2', 'access#p1#github:3', 'access#p1#github:4']);
        expect(keys(platform)).toEqual(['access#p2#github:1', 'access#p1#github:2', 'access#p1#github:3']);
        expect(nowhere.events).toEqual([]);
      });

      clause('limits a read to the from/to range, both ends inclusive', async (store) => {
        // Prepare
        await insertAll(history());

        // Act
        const inRange = await allPages((filter) => store.byPerson('p1', filter), { from: iso(10 * MINUTE), to: iso(40 * MINUTE), limit: 2 });
        const justOutside = await store.byPerson('p1', { from: iso(10 * MINUTE + 1), to: iso(40 * MINUTE - 1), limit: 10 });
        const fromOnly = await store.byApp('slack', { from: iso(30 * MINUTE), limit: 10 });
        const toOnly = await store.byApp('slack', { to: iso(30 * MINUTE), limit: 10, descending: true });

        // Assess
        expect(keys(inRange)).toEqual(p1().slice(1, 5));
        expect(keys(justOutside.events)).toEqual(p1().slice(2, 4));
        expect(keys(fromOnly.events)).toEqual(['access#p1#slack:2', 'access#p1#slack:3']);
        expect(keys(toOnly.events)).toEqual(['access#p1#slack:2', 'access#p1#slack:1']);
      });

      clause('reads every event in a time range across days, in time order either way, a page at a time', async (store) => {
        // Prepare: events on four days, the range covering the middle two and a bit
        await insertAll([
          event('person#p1', 1, iso(-DAY)),
          event('person#p1', 2, iso(0)),
          event('person#p2', 1, iso(5 * MINUTE)),
          event('person#p1', 3, iso(DAY)),
          event('person#p2', 2, iso(DAY + 10 * MINUTE)),
          event('person#p1', 4, iso(2 * DAY)),
          event('person#p1', 5, iso(3 * DAY)),
        ]);
        const range = { from: iso(0), to: iso(2 * DAY) };

        // Act
        const ascending = await allPages((filter) => store.byTime(filter), { ...range, limit: 2 });
        const descending = await allPages((filter) => store.byTime(filter), { ...range, limit: 3, descending: true });

        // Assess
        const expected = ['person#p1:2', 'person#p2:1', 'person#p1:3', 'person#p2:2', 'person#p1:4'];
        expect(keys(ascending)).toEqual(expected);
        expect(keys(descending)).toEqual([...expected].reverse());
      });

      clause('reads the last 30 days when a time range names neither end', async (store) => {
        // Prepare
        const now = Date.now();
        const at = (daysAgo: number): string => new Date(now - daysAgo * DAY).toISOString();
        await insertAll([event('person#p1', 1, at(40)), event('person#p1', 2, at(10)), event('person#p1', 3, at(1))]);

        // Act
        const page = await allPages((filter) => store.byTime(filter), { limit: 100 });

        // Assess
        expect(seqs(page)).toEqual([2, 3]);
      });

      clause('refuses a cursor another query issued, or one it never issued, as InvalidCursorError', async (store) => {
        // Prepare
        await insertAll(history());
        const cursor = (await store.byPerson('p1', { limit: 1 })).nextCursor ?? '';
        const timeCursor = (await store.byTime({ from: iso(0), to: iso(DAY), limit: 1 })).nextCursor ?? '';

        // Act
        const refusals = [
          await rejection(store.byPerson('p2', { limit: 1, cursor }), InvalidCursorError),
          await rejection(store.byApp('github', { limit: 1, cursor }), InvalidCursorError),
          await rejection(store.byTime({ from: iso(0), to: iso(DAY), limit: 1, cursor }), InvalidCursorError),
          await rejection(store.byPerson('p1', { limit: 1, cursor: timeCursor }), InvalidCursorError),
          await rejection(store.byPerson('p1', { limit: 1, cursor: 'not-a-cursor' }), InvalidCursorError),
        ];

        // Assess
        expect(refusals.map((error) => error.name)).toEqual(Array(5).fill('InvalidCursorError'));
        expect(keys((await store.byPerson('p1', { limit: 1, cursor })).events)).toEqual(p1().slice(1, 2));
      });
    });

    clause('lists every chain once, in order', async (store) => {
      // Prepare
      await insertAll([event('person#p2', 1, iso(0)), event('group#g1', 1, iso(0)), event('person#p1', 1, iso(0)), event('person#p1', 2, iso(MINUTE)), event('access#p1#github', 1, iso(0))]);

      // Act
      const chains = await collect(store.chains());

      // Assess
      expect(chains).toEqual(['access#p1#github', 'group#g1', 'person#p1', 'person#p2']);
    });

    clause('prunes exactly the archived events, and pruning again deletes nothing more', async (store) => {
      // Prepare
      await insertAll([1, 2, 3, 4].map((seq) => event('person#p1', seq, iso(seq * MINUTE))));
      await insertAll([event('person#p2', 1, iso(0))]);

      // Act
      await store.deleteEvents('person#p1', [1, 2]);
      await store.deleteEvents('person#p1', [1, 2]);

      // Assess
      expect(seqs(await store.chain('person#p1'))).toEqual([3, 4]);
      expect(seqs(await collect(store.chainEvents('person#p1')))).toEqual([3, 4]);
      expect((await store.chainHead('person#p1'))?.seq).toBe(4);
      expect(seqs(await store.chain('person#p2'))).toEqual([1]);
    });

    clause('still lists a chain whose first events were pruned', async (store) => {
      // Prepare
      await insertAll([1, 2, 3].map((seq) => event('person#p1', seq, iso(seq * MINUTE))));

      // Act
      await store.deleteEvents('person#p1', [1, 2]);

      // Assess
      expect(await collect(store.chains())).toEqual(['person#p1']);
    });

  });
}
