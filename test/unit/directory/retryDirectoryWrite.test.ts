import { describe, expect, it } from 'vitest';
import { groupOutbox } from '../../../lib/directory/groupOutbox.js';
import { MEMBERSHIPS_PER_PART } from '../../../lib/directory/outboxParts.js';
import { PENDING_DELIVERY_MS, retryDirectoryWrite } from '../../../lib/directory/retryDirectoryWrite.js';
import { BusyError } from '../../../lib/domain/BusyError.js';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import type { GroupRecord, Outbox } from '../../../lib/domain/DirectoryRecords.js';
import type { OutboxRelay } from '../../../lib/directory/OutboxRelay.js';
import type { DirectoryStore } from '../../../lib/ports/DirectoryStore.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { ledgerOnlyRelay } from '../../support/ledgerOnlyRelay.js';
import { rejection } from '../../support/rejection.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const group = (version: number): GroupRecord => ({ id: 'g1', displayName: 'Engineering', version, created: new Date(T0).toISOString(), lastModified: new Date(T0).toISOString(), attributes: { displayName: 'Engineering' } });

const turns = (pauses: number[]) => ({
  store: {} as DirectoryStore,
  relay: {} as OutboxRelay,
  pause: async (ms: number): Promise<void> => void pauses.push(ms),
});
const user = { type: 'User', id: 'u1' } as const;

describe('retryDirectoryWrite', () => {
  it('takes turns with jittered pauses until the write lands', async () => {
    // Prepare: the first three turns are lost to other writers
    const pauses: number[] = [];
    let calls = 0;

    // Act
    const result = await retryDirectoryWrite(turns(pauses), user, {}, async () => {
      if (++calls <= 3) throw new DirectoryError('versionMismatch', 'changed');
      return 'written';
    });

    // Assess
    expect(result).toBe('written');
    expect(pauses).toHaveLength(3);
    expect(pauses.every((ms) => ms >= 0 && ms <= 50)).toBe(true);
  });

  it('answers "busy, retry later" (never a conflict) when it keeps losing', async () => {
    const pauses: number[] = [];
    const error = await rejection(
      retryDirectoryWrite(turns(pauses), user, {}, async () => {
        throw new DirectoryError('versionMismatch', 'changed');
      }),
      BusyError,
    );
    expect(error.retryAfterSeconds).toBe(1);
    expect(pauses).toHaveLength(29);
  });

  it('hands a pinned version that changed back at once, as versionMismatch', async () => {
    const pauses: number[] = [];
    const error = await rejection(
      retryDirectoryWrite(turns(pauses), user, { pinned: true }, async () => {
        throw new DirectoryError('versionMismatch', 'changed');
      }),
      DirectoryError,
    );
    expect(error.code).toBe('versionMismatch');
    expect(pauses).toEqual([]);
  });

  it('delivers an earlier write’s pending outbox for PENDING_DELIVERY_MS at most, then answers busy, leaving the rest delivered so far', async () => {
    // Prepare: a group write of 3 parts left pending, and a clock that passes 60% of the budget per part
    const store = new InMemoryDirectoryStore();
    const ids = Array.from({ length: MEMBERSHIPS_PER_PART * 3 }, (_, index) => `u${String(index).padStart(4, '0')}`);
    for (const id of ids) {
      const created: Outbox = { id: `create-${id}`, createdAt: new Date(T0).toISOString(), events: [], memberships: [] };
      await store.putUser({ id, userName: id, active: true, version: 1, created: created.createdAt, lastModified: created.createdAt, attributes: { userName: id } }, undefined, created);
      await store.completeOutbox({ type: 'User', id }, created);
    }
    const pending = await groupOutbox(store, { change: 'created', group: group(1), before: null, previous: [], next: ids.map((value) => ({ value, type: 'User' })), source: { channel: 'scim', actor: 'okta' }, timestamp: new Date(T0).toISOString() });
    await store.putGroup(group(1), undefined, pending);
    let clock = T0;
    const ledger = new Ledger(new InMemoryLedgerStore(), () => new Date(T0));
    const relay = ledgerOnlyRelay(store, ledger);
    const delivered = relay.deliver.bind(relay);
    relay.deliver = async (...args) => {
      return delivered(args[0], () => {
        clock += PENDING_DELIVERY_MS * 0.6;
        return args[1]?.() ?? true;
      });
    };

    // Act
    const refused = await rejection(
      retryDirectoryWrite({ store, relay, now: () => new Date(clock), pause: async () => undefined }, { type: 'Group', id: 'g1' }, {}, () => store.putGroup(group(2), group(1), { id: 'next', createdAt: new Date(T0).toISOString(), events: [], memberships: [] })),
      BusyError,
    );

    // Assess: parts 1 and 2 delivered within the budget, part 3 and the write left for later
    expect(refused.retryAfterSeconds).toBe(1);
    expect((await store.pendingOutbox({ type: 'Group', id: 'g1' }))?.deliveredParts).toBe(2);
    expect((await store.getGroup('g1'))?.version).toBe(1);
  });
});
