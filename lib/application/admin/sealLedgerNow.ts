import { AuditError } from '../../audit/AuditError.js';
import { sealLedger } from '../../audit/sealLedger.js';
import type { AuditStore } from '../../ports/AuditStore.js';
import type { CheckpointStore } from '../../ports/CheckpointStore.js';
import { OperationError } from '../OperationError.js';

export interface SealLedgerDependencies {
  readonly audit: AuditStore;
  readonly checkpoints: CheckpointStore;
}

/** Verifies the ledger and seals every chain head in a new checkpoint; a broken ledger is refused, not sealed. */
export async function sealLedgerNow(deps: SealLedgerDependencies): Promise<{ readonly createdAt: string; readonly chains: number; readonly hash: string }> {
  try {
    const checkpoint = await sealLedger(deps.audit, deps.checkpoints);
    return { createdAt: checkpoint.createdAt, chains: checkpoint.heads.length, hash: checkpoint.hash };
  } catch (error) {
    if (error instanceof AuditError) throw new OperationError('conflict', error.message, { cause: error });
    throw error;
  }
}
