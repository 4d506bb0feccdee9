import type { AuditStore } from '../ports/AuditStore.js';
import type { CheckpointStore } from '../ports/CheckpointStore.js';
import { AuditError } from './AuditError.js';
import { buildCheckpoint } from './buildCheckpoint.js';
import type { ChainHead, Checkpoint } from '../domain/Checkpoint.js';
import { verifyLedger } from './verifyLedger.js';

/**
 * Seals the ledger: verifies every chain against the latest checkpoint, then records every chain's
 * head in a new checkpoint linked to it. From then on, verification also catches a deleted tail or a
 * deleted chain. Refuses to seal a broken ledger (sealing would bless the damage).
 */
export async function sealLedger(audit: AuditStore, checkpoints: CheckpointStore, now: Date = new Date()): Promise<Checkpoint> {
  const previous = await checkpoints.latest();
  const report = await verifyLedger({ chains: () => audit.chains(), events: (chain) => audit.chainEvents(chain), ...(previous ? { checkpoint: previous } : {}) });
  if (!report.intact) throw new AuditError(`Refusing to seal a broken ledger: ${JSON.stringify(report.firstBreak)}`);
  const checkpoint = await buildCheckpoint({ heads: heads(audit), ...(previous ? { previous } : {}), createdAt: now.toISOString() });
  if (!(await checkpoints.save(checkpoint))) throw new AuditError('Another checkpoint was saved meanwhile; seal again');
  return checkpoint;
}

async function* heads(audit: AuditStore): AsyncIterable<ChainHead> {
  for await (const chain of audit.chains()) {
    const head = await audit.chainHead(chain);
    if (head) yield { chain, seq: head.seq, hash: head.hash };
  }
}
