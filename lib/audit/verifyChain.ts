import { computeEventHash } from '../ledger/computeEventHash.js';
import { GENESIS_HASH, type LedgerEvent } from '../domain/LedgerEvent.js';
import type { ChainBase } from '../domain/Checkpoint.js';
import type { LedgerEventStream } from './LedgerEventStream.js';

/**
 * Why a chain is not intact, at the first seq where it stops being the chain that was written:
 * - `edited`: the event's content no longer hashes to its stored `hash`.
 * - `reordered or forked`: the event does not link to the one before it (`prevHash`), sits at the
 *   wrong position, or differs from what a checkpoint sealed at that seq (the chain was rewritten
 *   and re-hashed from there or earlier).
 * - `missing`: a seq is absent (deleted), including history before the first stored event with no
 *   sealed base to account for it.
 * - `wrong chain`: the event belongs to another chain.
 * - `truncated`: a checkpoint sealed the chain at a higher seq than the stored head.
 */
export type BreakReason = 'edited' | 'reordered or forked' | 'missing' | 'wrong chain' | 'truncated';

export interface ChainIntact {
  readonly intact: true;
  readonly chain: string;
  /** Events verified (those at or before a base, awaiting deletion, are not counted). */
  readonly events: number;
  /** The verified head; the base when no newer event is stored; undefined for an empty chain. */
  readonly head: ChainBase | undefined;
}

export interface ChainBreak {
  readonly intact: false;
  readonly chain: string;
  /** The first position where the stored chain deviates (for `truncated`: the first seq not stored). */
  readonly seq: number;
  readonly reason: BreakReason;
  /** What was found, for the auditor's report. */
  readonly detail: string;
}

export type ChainVerification = ChainIntact | ChainBreak;

export interface VerifyChainOptions {
  /**
   * Where stored history starts after retention: the first stored event must be `base.seq + 1` and
   * link to `base.hash`. Events at or below the base that are still stored (archived, not yet
   * deleted) are skipped, except the base event itself, which must still hash to `base.hash`.
   */
  readonly base?: ChainBase;
  /** This chain's head in the latest checkpoint: the stored chain must reach it, through it. */
  readonly checkpoint?: ChainBase;
}

/**
 * Walks one chain's events in seq order and returns the chain's head if every link holds, or the
 * FIRST broken link. Streams: it holds two events at a time (one of look-ahead, to tell a deleted
 * event from two swapped ones) and allocates nothing per event beyond hashing.
 *
 * The order of checks decides what an auditor is told: content first (an edited `seq` or `chain`
 * field is an edit, not a gap), then chain membership, then position, then the link to the previous
 * event, then the checkpoint.
 */
export async function verifyChain(chain: string, events: LedgerEventStream, options: VerifyChainOptions = {}): Promise<ChainVerification> {
  const { base, checkpoint } = options;
  let expected = base ? base.seq + 1 : 1;
  let prevHash = base ? base.hash : GENESIS_HASH;
  let count = 0;

  // A checkpoint older than the base sealed an event that is archived now: only the base itself can
  // still be compared with it.
  if (base && checkpoint && checkpoint.seq === base.seq && checkpoint.hash !== base.hash) {
    return broken(chain, base.seq, 'reordered or forked', `the sealed base differs from the checkpoint at seq ${base.seq}`);
  }

  const iterator = iterate(events);
  try {
    let current = await iterator.next();
    while (!current.done) {
      const event = current.value;
      const next = await iterator.next();
      current = next;

      if (computeEventHash(event) !== event.hash) {
        return broken(chain, expected, 'edited', `event ${event.eventId} (stored as seq ${event.seq}) does not hash to its stored hash`);
      }
      if (event.chain !== chain) {
        return broken(chain, expected, 'wrong chain', `event ${event.eventId} belongs to chain ${event.chain}`);
      }
      if (base && count === 0 && event.seq <= base.seq) {
        // Archived but not yet deleted: fine, as long as the base event is the one that was sealed.
        if (event.seq === base.seq && event.hash !== base.hash) {
          return broken(chain, base.seq, 'reordered or forked', `seq ${base.seq} differs from the sealed base`);
        }
        continue;
      }
      if (event.seq !== expected) {
        // A jump ahead followed by a step back is two events out of place; a jump alone is a gap.
        const stepsBack = !next.done && next.value.seq < event.seq;
        if (event.seq > expected && !stepsBack) {
          const gap = event.seq - 1 === expected ? `seq ${expected}` : `seq ${expected} to ${event.seq - 1}`;
          return broken(chain, expected, 'missing', `${gap} not found (the next stored event is seq ${event.seq})`);
        }
        return broken(chain, expected, 'reordered or forked', `found seq ${event.seq} where seq ${expected} belongs`);
      }
      if (event.prevHash !== prevHash) {
        const previous = expected === 1 ? 'the chain start' : `seq ${expected - 1}${base && expected === base.seq + 1 ? ' (the sealed base)' : ''}`;
        return broken(chain, expected, 'reordered or forked', `prevHash does not match the hash of ${previous}`);
      }
      if (checkpoint && event.seq === checkpoint.seq && event.hash !== checkpoint.hash) {
        return broken(chain, expected, 'reordered or forked', `seq ${expected} differs from the checkpoint: the chain was rewritten at or before it`);
      }
      prevHash = event.hash;
      expected++;
      count++;
    }
  } finally {
    await iterator.return?.();
  }

  const headSeq = expected - 1;
  if (checkpoint && checkpoint.seq > headSeq) {
    return broken(chain, headSeq + 1, 'truncated', `the checkpoint sealed seq ${checkpoint.seq}; the stored head is seq ${headSeq}`);
  }
  return { intact: true, chain, events: count, head: headSeq > 0 ? { seq: headSeq, hash: prevHash } : undefined };
}

function broken(chain: string, seq: number, reason: BreakReason, detail: string): ChainBreak {
  return { intact: false, chain, seq, reason, detail };
}

// One iterator over either kind of source; `await` on a sync result is harmless.
function iterate(events: LedgerEventStream): Iterator<LedgerEvent> | AsyncIterator<LedgerEvent> {
  return Symbol.asyncIterator in events
    ? (events as AsyncIterable<LedgerEvent>)[Symbol.asyncIterator]()
    : (events as Iterable<LedgerEvent>)[Symbol.iterator]();
}
