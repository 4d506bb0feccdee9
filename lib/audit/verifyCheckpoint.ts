import type { Checkpoint, CheckpointHead } from '../domain/Checkpoint.js';
import { computeCheckpointHash } from './computeCheckpointHash.js';

export type CheckpointVerification = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * Checks a checkpoint on its own (its hash, sorted unique heads, bases below heads) and, given the
 * checkpoint before it, the link between them: `prevCheckpointHash`, time moving forward, and no
 * chain sealed shorter, differently at the same seq, or dropped — a later seal must never launder a
 * truncation the earlier one would have caught.
 */
export function verifyCheckpoint(checkpoint: Checkpoint, previous?: Checkpoint): CheckpointVerification {
  if (computeCheckpointHash(checkpoint) !== checkpoint.hash) return invalid('its hash does not match its content (edited)');
  let last: string | undefined;
  for (const head of checkpoint.heads) {
    if (last !== undefined && head.chain <= last) return invalid(`heads are not sorted and unique at ${head.chain}`);
    last = head.chain;
    if (!Number.isInteger(head.seq) || head.seq < 1) return invalid(`${head.chain} has no valid head seq`);
    if (head.base && !(head.base.seq >= 1 && head.base.seq < head.seq)) {
      return invalid(`${head.chain}: sealed base ${head.base.seq} is not below its head ${head.seq}`);
    }
  }
  if (!previous) return { valid: true };
  if (checkpoint.prevCheckpointHash !== previous.hash) return invalid('it does not link to the previous checkpoint');
  if (checkpoint.createdAt < previous.createdAt) return invalid('it is older than the previous checkpoint');
  const current = new Map<string, CheckpointHead>(checkpoint.heads.map((head) => [head.chain, head]));
  for (const before of previous.heads) {
    const now = current.get(before.chain);
    if (!now) return invalid(`${before.chain} was sealed at seq ${before.seq} and is gone`);
    if (now.seq < before.seq) return invalid(`${before.chain} was sealed at seq ${before.seq} and is now at ${now.seq}`);
    if (now.seq === before.seq && now.hash !== before.hash) return invalid(`${before.chain} seq ${now.seq} changed since it was sealed`);
    if ((now.base?.seq ?? 0) < (before.base?.seq ?? 0)) return invalid(`${before.chain}: sealed base moved back`);
  }
  return { valid: true };
}

function invalid(reason: string): CheckpointVerification {
  return { valid: false, reason: `Checkpoint invalid: ${reason}` };
}
