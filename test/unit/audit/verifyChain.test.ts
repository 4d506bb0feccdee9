import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../../lib/audit/verifyChain.js';
import { computeEventHash } from '../../../lib/ledger/computeEventHash.js';
import type { LedgerEvent } from '../../../lib/domain/LedgerEvent.js';
import { LedgerFixture, replaceAt, stream } from './auditFixtures.js';

const CHAIN = 'access#p1#slack';

async function chainOf(count: number): Promise<LedgerEvent[]> {
  const fixture = new LedgerFixture();
  await fixture.steps(CHAIN, count);
  return fixture.chain(CHAIN);
}

/** An attacker who also recomputes the hash of what they changed. */
function rehashed(event: Omit<LedgerEvent, 'hash'>): LedgerEvent {
  return { ...event, hash: computeEventHash(event) };
}

describe('verifyChain', () => {
  it('reports the untouched chain intact, with its head', async () => {
    // Prepare
    const events = await chainOf(5);

    // Act
    const result = await verifyChain(CHAIN, stream(events), { checkpoint: { seq: 5, hash: events[4]?.hash ?? '' } });

    // Assess
    expect(result).toEqual({ intact: true, chain: CHAIN, events: 5, head: { seq: 5, hash: events[4]?.hash } });
  });

  it('detects an edited field as "edited" at that seq', async () => {
    // Prepare: revoke turned into something harmless-looking, hash left as it was.
    const events = await chainOf(5);
    const tampered = replaceAt(events, 2, { ...events[2]!, entitlement: 'group:readonly' });

    // Act
    const result = await verifyChain(CHAIN, stream(tampered));

    // Assess
    expect(result).toMatchObject({ intact: false, chain: CHAIN, seq: 3, reason: 'edited' });
  });

  it('detects a deleted middle event as "missing" at its seq', async () => {
    // Prepare
    const events = await chainOf(5);
    const tampered = events.filter((event) => event.seq !== 3);

    // Act
    const result = await verifyChain(CHAIN, stream(tampered));

    // Assess
    expect(result).toMatchObject({ intact: false, seq: 3, reason: 'missing' });
  });

  it('detects two swapped events as "reordered or forked" where the order first breaks', async () => {
    // Prepare
    const events = await chainOf(5);
    const tampered = [events[0]!, events[2]!, events[1]!, events[3]!, events[4]!];

    // Act
    const result = await verifyChain(CHAIN, stream(tampered));

    // Assess
    expect(result).toMatchObject({ intact: false, seq: 2, reason: 'reordered or forked' });
  });

  it('detects the last event deleted after a checkpoint as "truncated"', async () => {
    // Prepare: the checkpoint saw seq 5; the attacker drops it, leaving a consistent 4-event chain.
    const events = await chainOf(5);
    const checkpoint = { seq: 5, hash: events[4]!.hash };

    // Act
    const withoutCheckpoint = await verifyChain(CHAIN, stream(events.slice(0, 4)));
    const withCheckpoint = await verifyChain(CHAIN, stream(events.slice(0, 4)), { checkpoint });

    // Assess: only the seal reveals it.
    expect(withoutCheckpoint.intact).toBe(true);
    expect(withCheckpoint).toMatchObject({ intact: false, seq: 5, reason: 'truncated' });
  });

  it('detects an edited and re-hashed event at the next link, and a fully re-hashed chain against the checkpoint', async () => {
    // Prepare
    const events = await chainOf(5);
    const forged = rehashed({ ...events[2]!, entitlement: 'group:readonly' });
    // Rewrite from seq 3 on, re-linking every later event: internally consistent again.
    const rewritten: LedgerEvent[] = [events[0]!, events[1]!, forged];
    for (const event of events.slice(3)) rewritten.push(rehashed({ ...event, prevHash: rewritten.at(-1)!.hash }));

    // Act
    const relinkedOnce = await verifyChain(CHAIN, stream(replaceAt(events, 2, forged)));
    const fullyRewritten = await verifyChain(CHAIN, stream(rewritten));
    const againstCheckpoint = await verifyChain(CHAIN, stream(rewritten), { checkpoint: { seq: 5, hash: events[4]!.hash } });

    // Assess
    expect(relinkedOnce).toMatchObject({ intact: false, seq: 4, reason: 'reordered or forked' });
    expect(fullyRewritten.intact).toBe(true);
    expect(againstCheckpoint).toMatchObject({ intact: false, seq: 5, reason: 'reordered or forked' });
  });

  it('detects an event of another chain as "wrong chain"', async () => {
    // Prepare: a genuine event from another person's chain, copied into this one's slot 3.
    const fixture = new LedgerFixture();
    await fixture.steps(CHAIN, 5);
    await fixture.steps('access#p2#slack', 5);
    const events = await fixture.chain(CHAIN);
    const foreign = (await fixture.chain('access#p2#slack'))[2]!;

    // Act
    const result = await verifyChain(CHAIN, stream(replaceAt(events, 2, foreign)));

    // Assess
    expect(result).toMatchObject({ intact: false, seq: 3, reason: 'wrong chain' });
  });

  it('reports deleted history at the start as "missing" at seq 1 when no base accounts for it', async () => {
    // Prepare
    const events = await chainOf(5);

    // Act
    const result = await verifyChain(CHAIN, stream(events.slice(2)));

    // Assess
    expect(result).toMatchObject({ intact: false, seq: 1, reason: 'missing' });
  });

  it('starts from a sealed base: the first stored event must follow it and link to it', async () => {
    // Prepare: seq 1-2 archived, base = seq 2.
    const events = await chainOf(5);
    const base = { seq: 2, hash: events[1]!.hash };

    // Act
    const remainder = await verifyChain(CHAIN, stream(events.slice(2)), { base });
    const notYetDeleted = await verifyChain(CHAIN, stream(events), { base });
    const wrongBase = await verifyChain(CHAIN, stream(events.slice(2)), { base: { seq: 2, hash: events[0]!.hash } });
    const gapAfterBase = await verifyChain(CHAIN, stream(events.slice(3)), { base });

    // Assess
    expect(remainder).toEqual({ intact: true, chain: CHAIN, events: 3, head: { seq: 5, hash: events[4]!.hash } });
    expect(notYetDeleted).toMatchObject({ intact: true, events: 3 });
    expect(wrongBase).toMatchObject({ intact: false, seq: 3, reason: 'reordered or forked' });
    expect(gapAfterBase).toMatchObject({ intact: false, seq: 3, reason: 'missing' });
  });

  it('accepts arrays, reports an empty chain with no head, and releases the source at the first break', async () => {
    // Prepare
    const events = await chainOf(4);
    let closed = false;
    async function* source(): AsyncGenerator<LedgerEvent> {
      try {
        for (const event of replaceAt(events, 0, { ...events[0]!, outcome: 'failed' })) yield event;
      } finally {
        closed = true;
      }
    }

    // Act
    const fromArray = await verifyChain(CHAIN, events);
    const empty = await verifyChain(CHAIN, []);
    const broken = await verifyChain(CHAIN, source());

    // Assess
    expect(fromArray).toMatchObject({ intact: true, events: 4 });
    expect(empty).toEqual({ intact: true, chain: CHAIN, events: 0, head: undefined });
    expect(broken).toMatchObject({ intact: false, seq: 1, reason: 'edited' });
    expect(closed).toBe(true);
  });
});
