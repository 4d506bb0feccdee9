import type { LedgerStore } from '../ports/LedgerStore.js';
import { computeEventHash } from './computeEventHash.js';
import { GENESIS_HASH, type LedgerEvent, type LedgerEventDraft } from '../domain/LedgerEvent.js';
import { LedgerError } from '../domain/LedgerError.js';

export interface AppendOptions {
  /**
   * Look back this far (ISO time) for an event with the same eventId before appending. A redelivered
   * outbox passes the time it was written, which bounds the look-back to the events since then.
   */
  readonly dedupeSince?: string;
}

// Each lost race means another writer appended, so progress is guaranteed; the bound only stops a
// pathological pile-up (hundreds of writers on one chain) from spinning for ever.
const MAX_ATTEMPTS = 100;
// Writers on different machines disagree on the time by a little; look back further than asked.
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Appends events to per-subject hash chains. Each append reads the chain head and writes the next
 * slot with a conditional put, so concurrent writers never fork a chain: the loser re-reads and
 * takes the following slot.
 */
export class Ledger {
  public constructor(
    private readonly store: LedgerStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async append(draft: LedgerEventDraft, options: AppendOptions = {}): Promise<LedgerEvent> {
    const since = options.dedupeSince
      ? new Date(Date.parse(options.dedupeSince) - CLOCK_SKEW_MS).toISOString()
      : this.now().toISOString();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const recent = await this.store.recent(draft.chain, since);
      const duplicate = recent.find((event) => event.eventId === draft.eventId);
      if (duplicate) return duplicate;
      const head = recent[0];
      const event = this.nextEvent(draft, head);
      if (await this.store.insert(event)) return event;
      // Another writer took the slot; back off a little so we do not collide in lock step.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** Math.min(attempt, 6)));
    }
    throw new LedgerError(`Chain ${draft.chain} is too contended to append event ${draft.eventId}`);
  }

  private nextEvent(draft: LedgerEventDraft, head: LedgerEvent | undefined): LedgerEvent {
    // recordedAt never goes backwards within a chain, even if this machine's clock is behind.
    const now = this.now().toISOString();
    const recordedAt = head && head.recordedAt > now ? head.recordedAt : now;
    const unhashed = {
      ...stripUndefined(draft),
      seq: (head?.seq ?? 0) + 1,
      recordedAt,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    return { ...unhashed, hash: computeEventHash(unhashed) };
  }
}

// Canonical JSON and DynamoDB both drop undefined; remove it first so the hash is stable.
function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
