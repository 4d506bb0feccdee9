import { describe, expect, it } from 'vitest';
import { AuditError } from '../../../lib/audit/AuditError.js';
import { buildCheckpoint } from '../../../lib/audit/buildCheckpoint.js';
import type { CheckpointHead } from '../../../lib/domain/Checkpoint.js';
import { planRetention } from '../../../lib/audit/planRetention.js';
import { verifyChain } from '../../../lib/audit/verifyChain.js';
import { verifyLedger } from '../../../lib/audit/verifyLedger.js';
import type { LedgerEvent } from '../../../lib/domain/LedgerEvent.js';
import { DAY_MS, LedgerFixture, START, replaceAt, stream } from './auditFixtures.js';

const CHAIN = 'access#p1#slack';

/** Ten events, one a day from START; a checkpoint taken after the eighth. */
async function history(): Promise<{ events: LedgerEvent[]; sealed: CheckpointHead }> {
  const fixture = new LedgerFixture();
  await fixture.steps(CHAIN, 8);
  const atEight = (await fixture.chain(CHAIN)).at(-1)!;
  await fixture.steps(CHAIN, 2);
  return { events: await fixture.chain(CHAIN), sealed: { chain: CHAIN, seq: 8, hash: atEight.hash } };
}

// "Now" is day 10; keeping 4 days puts the cutoff at day 6, so seq 1-6 (days 0-5) are old.
const NOW = new Date(START + 10 * DAY_MS);

describe('planRetention', () => {
  it('archives the old prefix before the sealed seq and returns the base verification starts from', async () => {
    // Prepare
    const { events, sealed } = await history();

    // Act
    const plan = await planRetention({ chain: CHAIN, events: stream(events), policy: { keepDays: 4 }, sealed, now: NOW });

    // Assess
    expect(plan).toEqual({ ok: true, chain: CHAIN, archive: events.slice(0, 6), base: { seq: 6, hash: events[5]!.hash } });
  });

  it('leaves the remainder verifiable from the base, and still catches tampering with the first kept event', async () => {
    // Prepare: plan, then delete what was archived.
    const { events, sealed } = await history();
    const plan = await planRetention({ chain: CHAIN, events, policy: { keepDays: 4 }, sealed, now: NOW });
    if (!plan.ok || !plan.base) throw new Error('expected a plan with a base');
    const kept = events.slice(plan.archive.length);
    const options = { base: plan.base, checkpoint: sealed };

    // Act
    const remainder = await verifyChain(CHAIN, stream(kept), options);
    const editedFirst = await verifyChain(CHAIN, stream(replaceAt(kept, 0, { ...kept[0]!, entitlement: 'group:admins' })), options);
    const deletedFirst = await verifyChain(CHAIN, stream(kept.slice(1)), options);
    const withoutBase = await verifyChain(CHAIN, stream(kept), { checkpoint: sealed });

    // Assess
    expect(remainder).toEqual({ intact: true, chain: CHAIN, events: 4, head: { seq: 10, hash: events[9]!.hash } });
    expect(editedFirst).toMatchObject({ intact: false, seq: 7, reason: 'edited' });
    expect(deletedFirst).toMatchObject({ intact: false, seq: 7, reason: 'missing' });
    expect(withoutBase).toMatchObject({ intact: false, seq: 1, reason: 'missing' });
  });

  it('never archives the sealed event or the head, however old everything is', async () => {
    // Prepare: a checkpoint at the head, and a year later.
    const { events } = await history();
    const sealed = { chain: CHAIN, seq: 10, hash: events[9]!.hash };

    // Act
    const plan = await planRetention({ chain: CHAIN, events, policy: { keepDays: 0 }, sealed, now: new Date(START + 365 * DAY_MS) });

    // Assess
    expect(plan).toMatchObject({ ok: true, base: { seq: 9, hash: events[8]!.hash } });
    expect(plan.ok && plan.archive.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('archives nothing that no checkpoint has sealed', async () => {
    // Prepare
    const { events } = await history();

    // Act
    const plan = await planRetention({ chain: CHAIN, events, policy: { keepDays: 0 }, sealed: undefined, now: new Date(START + 365 * DAY_MS) });

    // Assess
    expect(plan).toEqual({ ok: true, chain: CHAIN, archive: [], base: undefined });
  });

  it('refuses to archive a broken chain rather than seal a base over tampered history', async () => {
    // Prepare
    const { events, sealed } = await history();
    const tampered = replaceAt(events, 1, { ...events[1]!, outcome: 'skipped' });

    // Act
    const plan = await planRetention({ chain: CHAIN, events: tampered, policy: { keepDays: 4 }, sealed, now: NOW });

    // Assess
    expect(plan).toMatchObject({ ok: false, chain: CHAIN, refused: { seq: 2, reason: 'edited' } });
  });

  it('picks up where an unfinished deletion stopped, without moving the base back', async () => {
    // Prepare: base 6 sealed earlier, but seq 1-6 are still stored; a later run with a shorter window.
    const { events, sealed } = await history();
    const withBase = { ...sealed, base: { seq: 6, hash: events[5]!.hash } };

    // Act
    const sameWindow = await planRetention({ chain: CHAIN, events, policy: { keepDays: 4 }, sealed: withBase, now: NOW });
    const longerWindow = await planRetention({ chain: CHAIN, events, policy: { keepDays: 8 }, sealed: withBase, now: NOW });

    // Assess
    expect(sameWindow).toMatchObject({ ok: true, base: { seq: 6 } });
    expect(sameWindow.ok && sameWindow.archive.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(longerWindow).toMatchObject({ ok: true, base: { seq: 6 } });
    expect(longerWindow.ok && longerWindow.archive.map((event) => event.seq)).toEqual([1, 2]);
  });

  it('rejects a nonsensical policy', async () => {
    // Act
    const plan = planRetention({ chain: CHAIN, events: [], policy: { keepDays: -1 }, sealed: undefined, now: NOW });

    // Assess
    await expect(plan).rejects.toThrow(AuditError);
  });
});

describe('retention end to end', () => {
  it('keeps the whole ledger verifiable only when the base is sealed before deletion', async () => {
    // Prepare: checkpoint, plan, seal the base in the next checkpoint, delete.
    const { events, sealed } = await history();
    const first = await buildCheckpoint({ heads: [sealed], createdAt: new Date(START + 8 * DAY_MS).toISOString() });
    const plan = await planRetention({ chain: CHAIN, events, policy: { keepDays: 4 }, sealed: first.heads[0], now: NOW });
    if (!plan.ok || !plan.base) throw new Error('expected a plan with a base');
    const head = { chain: CHAIN, seq: events.at(-1)!.seq, hash: events.at(-1)!.hash };
    const second = await buildCheckpoint({ heads: [head], previous: first, bases: new Map([[CHAIN, plan.base]]), createdAt: NOW.toISOString() });
    const kept = events.slice(plan.archive.length);
    const store = { chains: () => [CHAIN], events: () => stream(kept) };

    // Act
    const unsealed = await verifyLedger({ ...store, checkpoint: first });
    const sealedBase = await verifyLedger({ ...store, checkpoint: second });

    // Assess
    expect(unsealed).toMatchObject({ intact: false, firstBreak: { chain: CHAIN, seq: 1, reason: 'missing' } });
    expect(sealedBase).toEqual({ intact: true, chains: 1, events: 4 });
  });
});
