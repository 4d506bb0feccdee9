import type { LedgerEvent } from '../../domain/LedgerEvent.js';
import type { EventFilter, EventPage } from '../../ports/AuditStore.js';
import { OperationError } from '../OperationError.js';

/** Replaying a history for an "as of" answer reads at most this many events. */
const MAX_REPLAY = 100_000;

/** Every event of a history up to `asOf`, in record order, for replay. */
export async function replayHistory(read: (filter: EventFilter) => Promise<EventPage>, asOf: string): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let cursor: string | undefined;
  do {
    const result = await read({ to: asOf, limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...result.events);
    cursor = result.nextCursor;
    if (events.length > MAX_REPLAY) throw new OperationError('tooLarge', `More than ${MAX_REPLAY} events to replay; narrow the question`);
  } while (cursor);
  return events;
}
