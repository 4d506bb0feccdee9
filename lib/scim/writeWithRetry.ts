import { DirectoryError } from '../domain/DirectoryError.js';
import type { ResourceKey } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { scimError } from './scimError.js';

const MAX_ATTEMPTS = 6;

/**
 * Runs a read-modify-write until it lands. A version conflict re-reads and retries, unless the client
 * pinned the version with If-Match (then it is 412). An undelivered outbox from an earlier write is
 * delivered first, so events keep their order. A taken userName is 409 uniqueness.
 */
export async function writeWithRetry<T>(
  dependencies: { store: DirectoryStore; relay: OutboxRelay },
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
        throw scimError(409, null, `${key.type} ${key.id} is being modified concurrently; retry the request`);
      }
      if (error.code === 'outboxPending') {
        const pending = await dependencies.store.pendingOutbox(key);
        if (pending) await dependencies.relay.deliver(pending);
      }
    }
  }
}
