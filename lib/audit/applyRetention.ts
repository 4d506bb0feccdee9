import { randomUUID } from 'node:crypto';
import type { Ledger } from '../ledger/Ledger.js';
import type { AuditStore } from '../ports/AuditStore.js';
import type { CheckpointStore } from '../ports/CheckpointStore.js';
import type { LedgerArchive, LedgerPruner } from '../ports/LedgerArchive.js';
import { AuditError } from './AuditError.js';
import { buildCheckpoint } from './buildCheckpoint.js';
import type { ChainBase, ChainHead } from '../domain/Checkpoint.js';
import { planRetention } from './planRetention.js';
import { sealLedger } from './sealLedger.js';

export interface RetentionDependencies {
  readonly audit: AuditStore;
  readonly checkpoints: CheckpointStore;
  readonly archive: LedgerArchive;
  readonly pruner: LedgerPruner;
  readonly ledger: Ledger;
}

export interface RetentionRun {
  readonly runId: string;
  readonly chains: number;
  readonly archivedEvents: number;
  readonly locations: readonly string[];
}

/**
 * Applies the retention policy without ever breaking verification: (1) seal the ledger (which also
 * verifies it); (2) per chain, archive the events older than `keepDays` that the seal covers; (3)
 * record the new bases in a checkpoint linked to the seal — before anything is deleted; (4) delete
 * the archived events. A crash before (3) leaves everything stored (the archive is rewritten next
 * time); after (3), verification already accepts the archived events as gone, and the next run
 * deletes what is left.
 */
export async function applyRetention(deps: RetentionDependencies, keepDays: number, now: Date = new Date()): Promise<RetentionRun> {
  const runId = `${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const sealed = await sealLedger(deps.audit, deps.checkpoints, now);
  const sealedHeads = new Map(sealed.heads.map((head) => [head.chain, head]));
  const bases = new Map<string, ChainBase>();
  const toDelete = new Map<string, number[]>();
  const locations: string[] = [];
  for (const head of sealed.heads) {
    const plan = await planRetention({ chain: head.chain, events: deps.audit.chainEvents(head.chain), policy: { keepDays }, sealed: sealedHeads.get(head.chain), now });
    if (!plan.ok) throw new AuditError(`Retention refused for ${head.chain}: ${JSON.stringify(plan.refused)}`);
    if (plan.archive.length === 0 || !plan.base) continue;
    locations.push(await deps.archive.write(runId, head.chain, plan.archive));
    bases.set(head.chain, plan.base);
    toDelete.set(head.chain, plan.archive.map((event) => event.seq));
  }
  if (bases.size > 0) {
    const heads: ChainHead[] = sealed.heads.map(({ chain, seq, hash }) => ({ chain, seq, hash }));
    const checkpoint = await buildCheckpoint({ heads, previous: sealed, bases, createdAt: new Date(now.getTime() + 1).toISOString() });
    if (!(await deps.checkpoints.save(checkpoint))) throw new AuditError('Another checkpoint was saved during retention; run it again');
    for (const [chain, seqs] of toDelete) await deps.pruner.deleteEvents(chain, seqs);
  }
  const archivedEvents = [...toDelete.values()].reduce((sum, seqs) => sum + seqs.length, 0);
  await deps.ledger.append({
    eventId: `retention:${runId}`,
    chain: 'retention',
    type: 'ledger.retention',
    occurredAt: now.toISOString(),
    source: { channel: 'schedule', actor: 'retention' },
    outcome: 'applied',
    detail: { keepDays, chains: toDelete.size, archivedEvents, locations },
  });
  return { runId, chains: toDelete.size, archivedEvents, locations };
}
