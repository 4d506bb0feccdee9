import { BusyError } from '../domain/BusyError.js';
import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { OutboxRelay } from './OutboxRelay.js';

/** Concurrent writers to one resource take turns; after this many lost turns the caller retries later. */
const MAX_ATTEMPTS = 30;
/** The longest pause between turns; each lost turn waits a random time up to a growing bound. */
const MAX_PAUSE_MS = 50;

/**
 * How long one write spends delivering an earlier write's outbox before it gives up with a
 * BusyError: a large group outbox left to recovery can take minutes, and an API function has 25 s.
 */
export const PENDING_DELIVERY_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly pause?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
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
  const now = dependencies.now ?? (() => new Date());
  const deadline = now().getTime() + PENDING_DELIVERY_MS;
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
        const inTime = (): boolean => now().getTime() < deadline;
        // A large one (thousands of group members) may not finish within the request: the rest is
        // recovery's, and the writer is told to come back (503 Retry-After) instead of timing out.
        if (!inTime()) throw new BusyError(`${key.type} ${key.id} is still applying an earlier change; retry shortly`, 1, { cause: error });
        const pending = await dependencies.store.pendingOutbox(key);
        if (pending && !(await dependencies.relay.deliver(pending, inTime))) {
          throw new BusyError(`${key.type} ${key.id} is still applying an earlier change; retry shortly`, 1, { cause: error });
        }
      } else {
        // Full jitter: writers that lost the same turn do not collide again in lockstep.
        await (dependencies.pause ?? sleep)(Math.random() * Math.min(MAX_PAUSE_MS, 2 ** round));
      }
    }
  }
}
