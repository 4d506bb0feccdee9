import { describe, expect, it } from 'vitest';
import { computeEventHash } from '../../../lib/ledger/computeEventHash.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { GENESIS_HASH, type LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const draft = (eventId: string, chain = 'person#p1'): LedgerEventDraft => ({
  eventId,
  chain,
  type: 'lifecycle.mover',
  occurredAt: '2026-01-01T00:00:00.000Z',
  source: { channel: 'scim', actor: 'okta' },
  outcome: 'recorded',
  personId: 'p1',
  after: { department: 'Sales', nested: { b: 1, a: [1, 2] } },
});

describe('Ledger', () => {
  it('links each event to the hash of the one before it', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    const ledger = new Ledger(store);

    // Act
    for (const id of ['e1', 'e2', 'e3']) await ledger.append(draft(id));
    const chain = await store.chain('person#p1');

    // Assess
    expect(chain.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect(chain[2]?.prevHash).toBe(chain[1]?.hash);
    for (const event of chain) expect(computeEventHash(event)).toBe(event.hash);
  });

  it('hashes canonical JSON, so key order does not change the hash but any edit does', async () => {
    // Prepare
    const ledger = new Ledger(new InMemoryLedgerStore());
    const event = await ledger.append(draft('e1'));

    // Act
    const reordered = JSON.parse(JSON.stringify({ hash: event.hash, ...Object.fromEntries(Object.entries(event).reverse()) }));
    const edited = { ...event, after: { department: 'Finance' } };

    // Assess
    expect(computeEventHash(reordered)).toBe(event.hash);
    expect(computeEventHash(edited)).not.toBe(event.hash);
  });

  it('records a redelivered event once when told how far back to look', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    const ledger = new Ledger(store);
    const first = await ledger.append(draft('same'));
    await ledger.append(draft('other'));

    // Act
    const again = await ledger.append(draft('same'), { dedupeSince: first.recordedAt });

    // Assess
    expect(again).toEqual(first);
    expect((await store.chain('person#p1')).map((event) => event.eventId)).toEqual(['same', 'other']);
  });

  it('takes the next slot when another writer wins the race, never forking the chain', async () => {
    // Prepare: a competing writer grabs the slot once, just before our insert.
    const store = new InMemoryLedgerStore();
    const competitor = new Ledger(new InMemoryLedgerStore());
    const stolen = await competitor.append(draft('theirs'));
    let raced = false;
    store.interloper = (event) => {
      if (raced) return undefined;
      raced = true;
      return { ...stolen, seq: event.seq };
    };
    const ledger = new Ledger(store);

    // Act
    const mine = await ledger.append(draft('mine'));
    const chain = await store.chain('person#p1');

    // Assess
    expect(mine.seq).toBe(2);
    expect(chain.map((event) => event.eventId)).toEqual(['theirs', 'mine']);
    expect(mine.prevHash).toBe(stolen.hash);
  });

  it('never lets recordedAt go backwards within a chain, even with a slow clock', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    await new Ledger(store, () => new Date('2030-01-01T00:00:00.000Z')).append(draft('future'));

    // Act
    const next = await new Ledger(store, () => new Date('2020-01-01T00:00:00.000Z')).append(draft('past'));

    // Assess
    expect(next.recordedAt).toBe('2030-01-01T00:00:00.000Z');
  });
});
