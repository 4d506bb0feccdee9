import { BusyError } from '../domain/BusyError.js';
import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { OutboxRelay } from './OutboxRelay.js';

/** Concurrent writers to one resource take turns; after this many lost turns the caller retries later. */
const MAX_ATTEMPTS = 30;
/** The longest pause between turns; each lost turn waits a random time up to a growing bound. */
const MAX_PAUSE_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly pause?: (ms: number) => Promise<void>;
}

/**
 * Runs a read-modify-write of one resource until it lands, serialising concurrent writers inside
 * Perimeter. A version conflict re-runs `attempt` (which re-reads and re-applies its change) after
 * a short random pause, unless the caller pinned the version it read (`pinned`: then the
 * DirectoryError 'versionMismatch' is the answer). Writers that keep losing get a BusyError (503
 * with Retry-After at the edges), never a conflict an IdP would take for a uniqueness clash. An
 * undelivered outbox from an earlier write is delivered first, so events keep their order.
 * Every other error ('uniqueness', 'notFound', 'unavailable', the caller's own) is thrown as it is.
 */
export async function retryDirectoryWrite<T>(
  dependencies: RetryDependencies,
  key: ResourceKey,
  options: { readonly pinned?: boolean },
  attempt: () => Promise<T>,
): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DirectoryError) || (error.code !== 'versionMismatch' && error.code !== 'outboxPending')) throw error;
      if (error.code === 'versionMismatch' && options.pinned) throw error;
      if (round >= MAX_ATTEMPTS) {
        throw new BusyError(`${key.type} ${key.id} is being modified by other requests; retry shortly`, 1, { cause: error });
      }
      if (error.code === 'outboxPending') {
        const pending = await dependencies.store.pendingOutbox(key);
        // A large one is delivered a part at a time, one part per turn: the request stays short,
        // and one that cannot finish it answers 503 and comes back while recovery carries on.
        if (pending) await dependencies.relay.deliver(pending, () => false);
      } else {
        // Full jitter: writers that lost the same turn do not collide again in lockstep.
        await (dependencies.pause ?? sleep)(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** round));
      }
    }
  }
}
