/**
 * Checkpoints: the seal that lets verification detect truncation and survive retention.
 *
 * A hash chain alone proves that stored events are consistent with each other; it cannot tell that
 * the newest events were deleted (the shorter chain is still consistent), nor that a whole chain was
 * re-hashed after an edit. A checkpoint records, at one moment, every chain's head (seq and hash) —
 * and, once retention has archived a chain's oldest events, its sealed base (the last archived
 * event's seq and hash, where stored history now starts). Checkpoints are hash-chained to each other
 * like events are, so changing or dropping an older one breaks the link from the next.
 *
 * Verification against a checkpoint then catches: a head below the sealed seq (truncated), a
 * different event at the sealed seq (forked: the chain was rewritten), and history missing before a
 * base nobody sealed (missing). Keep checkpoints outside the ledger table's blast radius (e.g. a
 * write-once bucket, or published to the auditor) so whoever can edit events cannot edit them too.
 */

/** The position of one event in its chain: enough to resume verification from it. */
export interface ChainBase {
  readonly seq: number;
  /** SHA-256 (hex) of the event at `seq`. */
  readonly hash: string;
}

/** A chain's newest event at some moment. */
export interface ChainHead extends ChainBase {
  readonly chain: string;
}

/** One chain as a checkpoint seals it. */
export interface CheckpointHead extends ChainHead {
  /**
   * Present once retention archived the chain's oldest events: the last archived event. The stored
   * chain starts at `base.seq + 1`, whose `prevHash` must be `base.hash`. Always below `seq`.
   */
  readonly base?: ChainBase;
}

export interface Checkpoint {
  /** ISO time the heads were read. */
  readonly createdAt: string;
  /** Every chain's head, sorted by chain (code-unit order), one entry per chain. */
  readonly heads: readonly CheckpointHead[];
  /** `hash` of the previous checkpoint, or 64 zeros for the first. */
  readonly prevCheckpointHash: string;
  /** SHA-256 (hex) of this checkpoint's RFC 8785 canonical JSON without `hash`. */
  readonly hash: string;
}
