import { type LedgerVerification, verifyLedger } from '../../audit/verifyLedger.js';
import type { AuditStore } from '../../ports/AuditStore.js';
import type { CheckpointStore } from '../../ports/CheckpointStore.js';

/**
 * GET /audit/verify: every chain re-hashed and re-linked, and compared with the latest checkpoint
 * (so a deleted tail or chain is caught too); the first broken link, if any.
 */
export async function verifyAll(audit: AuditStore, checkpoints: Pick<CheckpointStore, 'latest'>): Promise<LedgerVerification & { checkedAt: string; checkpoint?: string }> {
  const checkpoint = await checkpoints.latest();
  const report = await verifyLedger({ chains: () => audit.chains(), events: (chain) => audit.chainEvents(chain), ...(checkpoint ? { checkpoint } : {}) });
  return { ...report, checkedAt: new Date().toISOString(), ...(checkpoint ? { checkpoint: checkpoint.createdAt } : {}) };
}
