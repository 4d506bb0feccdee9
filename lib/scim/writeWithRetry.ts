import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { BusyError } from '../domain/BusyError.js';
import { scimError } from './scimError.js';

/** Concurrent writers to one resource take turns; after this many lost turns the caller retries later. */
const MAX_ATTEMPTS = 30;
/** The longest pause between turns; each lost turn waits a random time up to a growing bound. */
const MAX_PAUSE_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a read-modify-write until it lands. A version conflict re-reads and retries after a short
 * random pause, unless the client pinned the version with If-Match (then it is 412); writers that
 * keep losing get 503 with Retry-After, never a 409, which IdPs read as a uniqueness conflict. An
 * undelivered outbox from an earlier write is delivered first, so events keep their order. A taken
 * userName is 409 uniqueness.
 */
export async function writeWithRetry<T>(
  dependencies: { store: DirectoryStore; relay: OutboxRelay; pause?: (ms: number) => Promise<void> },
  key: ResourceKey,
  ifMatch: string | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      if (error.code === 'uniqueness') throw scimError(409, 'uniqueness', 'userName is already in use');
      if (error.code === 'unavailable') throw error;
      if (error.code === 'versionMismatch' && ifMatch !== undefined && ifMatch.trim() !== '*') {
        throw scimError(412, null, `${key.type} ${key.id} was modified concurrently; fetch it again`);
      }
      if (round >= MAX_ATTEMPTS) {
        // 409 is uniqueness to IdPs (some treat it as permanent); this is "busy, try again".
        throw new BusyError(`${key.type} ${key.id} is being modified by other requests; retry shortly`, 1, { cause: error });
      }
      if (error.code === 'outboxPending') {
        const pending = await dependencies.store.pendingOutbox(key);
        if (pending) await dependencies.relay.deliver(pending);
      } else {
        // Full jitter: writers that lost the same turn do not collide again in lockstep.
        await (dependencies.pause ?? sleep)(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** round));
      }
    }
  }
}
