import type { Checkpoint } from '../domain/Checkpoint.js';

/**
 * Where checkpoints are kept. Each links to the previous one, and saving refuses a checkpoint that
 * does not link to the latest (no forks). In AWS this belongs in storage the ledger's writers cannot
 * rewrite; the DynamoDB adapter keeps them in the Operations table.
 */
export interface CheckpointStore {
  latest(): Promise<Checkpoint | undefined>;
  /** False when another checkpoint was saved since `checkpoint.prevCheckpointHash` was read. */
  save(checkpoint: Checkpoint): Promise<boolean>;
}
