import { describe, expect, it } from 'vitest';
import { buildCheckpoint } from '../../../lib/audit/buildCheckpoint.js';
import type { Checkpoint } from '../../../lib/domain/Checkpoint.js';
import { verifyLedger, type VerifyLedgerInput } from '../../../lib/audit/verifyLedger.js';
import type { LedgerEvent } from '../../../lib/domain/LedgerEvent.js';
import { LedgerFixture, stream } from './auditFixtures.js';

const CHAINS = ['access#p1#slack', 'access#p2#github', 'person#p1'];

/** The store as the audit API exposes it, listing chains in whatever order the index returns. */
function source(chains: Map<string, LedgerEvent[]>, order: readonly string[], checkpoint?: Checkpoint): VerifyLedgerInput {
  return {
    chains: () => stream(order.filter((chain) => chains.has(chain))),
    events: (chain) => stream(chains.get(chain) ?? []),
    ...(checkpoint ? { checkpoint } : {}),
  };
}

async function ledger(): Promise<{ chains: Map<string, LedgerEvent[]>; checkpoint: Checkpoint }> {
  const fixture = new LedgerFixture();
  for (const [i, chain] of CHAINS.entries()) await fixture.steps(chain, 3 + i);
  const chains = new Map<string, LedgerEvent[]>();
  for (const chain of CHAINS) chains.set(chain, await fixture.chain(chain));
  const heads = [...chains].map(([chain, events]) => ({ chain, seq: events.at(-1)!.seq, hash: events.at(-1)!.hash }));
  return { chains, checkpoint: await buildCheckpoint({ heads, createdAt: '2026-03-01T00:00:00.000Z' }) };
}

describe('verifyLedger', () => {
  it('verifies every chain and counts chains and events', async () => {
    // Prepare
    const { chains, checkpoint } = await ledger();

    // Act
    const result = await verifyLedger(source(chains, CHAINS, checkpoint));

    // Assess
    expect(result).toEqual({ intact: true, chains: 3, events: 3 + 4 + 5 });
  });

  it('reports the first break in sorted chain order, whatever order the store lists chains in', async () => {
    // Prepare: two chains broken; the store lists the later one first.
    const { chains } = await ledger();
    const p1 = chains.get('person#p1')!;
    const slack = chains.get('access#p1#slack')!;
    chains.set('person#p1', [p1[0]!, { ...p1[1]!, outcome: 'skipped' }, ...p1.slice(2)]);
    chains.set('access#p1#slack', slack.filter((event) => event.seq !== 2));

    // Act
    const result = await verifyLedger(source(chains, [...CHAINS].reverse()));

    // Assess: access#p1#slack sorts before access#p2#github and person#p1.
    expect(result).toMatchObject({ intact: false, chains: 1, events: 0, firstBreak: { chain: 'access#p1#slack', seq: 2, reason: 'missing' } });
  });

  it('finds a chain deleted outright, because the checkpoint sealed it', async () => {
    // Prepare
    const { chains, checkpoint } = await ledger();
    chains.delete('access#p2#github');

    // Act
    const withoutCheckpoint = await verifyLedger(source(chains, CHAINS));
    const withCheckpoint = await verifyLedger(source(chains, CHAINS, checkpoint));

    // Assess
    expect(withoutCheckpoint).toMatchObject({ intact: true, chains: 2 });
    expect(withCheckpoint).toMatchObject({ intact: false, firstBreak: { chain: 'access#p2#github', seq: 1, reason: 'truncated' } });
  });

  it('refuses to verify against an edited checkpoint', async () => {
    // Prepare: the attacker lowers a sealed head to match the chain they truncated.
    const { chains, checkpoint } = await ledger();
    const edited = { ...checkpoint, heads: checkpoint.heads.map((head) => (head.chain === 'person#p1' ? { ...head, seq: 4 } : head)) };

    // Act
    const result = await verifyLedger(source(chains, CHAINS, edited));

    // Assess
    expect(result).toMatchObject({ intact: false, firstBreak: { reason: 'checkpoint edited', checkpointHash: checkpoint.hash } });
  });
});
