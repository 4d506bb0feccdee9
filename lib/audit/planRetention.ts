import type { LedgerEvent } from '../domain/LedgerEvent.js';
import { AuditError } from './AuditError.js';
import type { ChainBase, CheckpointHead } from '../domain/Checkpoint.js';
import type { LedgerEventStream } from './LedgerEventStream.js';
import { verifyChain, type ChainBreak } from './verifyChain.js';

/** Keep events recorded within the last `keepDays` days in the live ledger. */
export interface RetentionPolicy {
  readonly keepDays: number;
}

export interface PlanRetentionInput {
  readonly chain: string;
  /** The chain's stored events in seq order. */
  readonly events: LedgerEventStream;
  readonly policy: RetentionPolicy;
  /** This chain's entry in the latest checkpoint; without one, nothing is sealed, so nothing goes. */
  readonly sealed: CheckpointHead | undefined;
  readonly now: Date;
}

export type RetentionPlan =
  | {
      readonly ok: true;
      readonly chain: string;
      /** Events to copy to the archive, then delete: a prefix of the stored chain, oldest first. */
      readonly archive: readonly LedgerEvent[];
      /** Where verification starts once `archive` is deleted; seal it (buildCheckpoint `bases`) first. */
      readonly base: ChainBase | undefined;
    }
  | { readonly ok: false; readonly chain: string; readonly refused: ChainBreak };

const DAY_MS = 86_400_000;

/**
 * Decides which of a chain's events may leave the live ledger without weakening verification.
 *
 * Why retention needs a seal: verification walks `prevHash` links from the chain's first event, so
 * deleting old events looks exactly like an attacker deleting them ("missing" at seq 1). The answer
 * is to record, before deleting, where the remaining chain starts — the sealed base {seq, hash} of
 * the last archived event — in a hash-chained checkpoint. Verification then starts from the base
 * (the first stored event must be base.seq + 1 and link to base.hash), and the proof is unchanged
 * for what remains: each kept event still hashes to itself and links to its predecessor, the first
 * kept event links to a hash the checkpoint vouches for, and the checkpoint's head still has to be
 * reached. Deletion without a seal stays detectable; an attacker cannot move the base without
 * breaking the checkpoint chain.
 *
 * Rules: an event may go only if it is older than the cutoff AND strictly before the seq this
 * chain's latest checkpoint sealed. "Strictly before" keeps the sealed event itself in the live
 * ledger, so every verification can still compare it with the checkpoint (catching a re-hashed
 * rewrite), and it also means the chain head is always kept. Archiving takes a contiguous prefix:
 * a gap in the middle could never be explained by one base. Events at or before the current base
 * that are still stored (a deletion that did not finish) are included again; the archive write is
 * idempotent by (chain, seq).
 *
 * The chain is verified (against the checkpoint) while it is read; a broken chain is refused, never
 * archived, since sealing a base over tampered history would launder it. The prefix to archive is
 * held in memory: chains are per person and app, so it is small; the rest is streamed.
 */
export async function planRetention(input: PlanRetentionInput): Promise<RetentionPlan> {
  const { chain, sealed, policy } = input;
  if (!Number.isFinite(policy.keepDays) || policy.keepDays < 0) {
    throw new AuditError(`Retention keepDays must be a non-negative number, not ${policy.keepDays}`);
  }
  const cutoff = input.now.getTime() - policy.keepDays * DAY_MS;
  const archive: LedgerEvent[] = [];
  let collecting = sealed !== undefined;

  async function* collect(): AsyncGenerator<LedgerEvent, void, undefined> {
    for await (const event of input.events) {
      if (collecting) {
        if (sealed !== undefined && event.seq < sealed.seq && Date.parse(event.recordedAt) < cutoff) archive.push(event);
        else collecting = false;
      }
      yield event;
    }
  }

  const verification = await verifyChain(chain, collect(), sealed ? { checkpoint: sealed, ...(sealed.base ? { base: sealed.base } : {}) } : {});
  if (!verification.intact) return { ok: false, chain, refused: verification };

  const last = archive.at(-1);
  const current = sealed?.base;
  const base = last && last.seq > (current?.seq ?? 0) ? { seq: last.seq, hash: last.hash } : current;
  return { ok: true, chain, archive, base };
}
