import type { Checkpoint } from '../../lib/domain/Checkpoint.js';
import { GENESIS_HASH } from '../../lib/domain/LedgerEvent.js';
import type { CheckpointStore } from '../../lib/ports/CheckpointStore.js';
import { copy } from './storeSemantics.js';

/**
 * The CheckpointStore contract in memory (test/contract/checkpointStoreContract.ts): a checkpoint is
 * saved only if it links to the latest one (the first links to the genesis hash), so checkpoints
 * never fork.
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  /** Every checkpoint saved, oldest first. */
  public readonly saved: Checkpoint[] = [];

  public async latest(): Promise<Checkpoint | undefined> {
    return copy(this.saved.at(-1));
  }

  public async save(checkpoint: Checkpoint): Promise<boolean> {
    const expected = this.saved.at(-1)?.hash ?? GENESIS_HASH;
    if (checkpoint.prevCheckpointHash !== expected) return false;
    this.saved.push(copy(checkpoint));
    return true;
  }
}
