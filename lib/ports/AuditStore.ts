import type { LedgerEvent } from '../domain/LedgerEvent.js';

export interface EventFilter {
  /** ISO time, inclusive. */
  readonly from?: string;
  /** ISO time, inclusive. */
  readonly to?: string;
  readonly limit: number;
  /** Opaque, from a previous page's nextCursor. */
  readonly cursor?: string;
  /** Newest first. */
  readonly descending?: boolean;
}

export interface EventPage {
  readonly events: readonly LedgerEvent[];
  readonly nextCursor?: string;
}

/** The auditor's reads of the ledger: every one served by an index, none by a table scan. */
export interface AuditStore {
  byPerson(personId: string, filter: EventFilter): Promise<EventPage>;
  byApp(app: string, filter: EventFilter): Promise<EventPage>;
  byEntitlement(app: string, entitlement: string, filter: EventFilter): Promise<EventPage>;
  /** Every event in a time range (both ends default to the last 30 days). */
  byTime(filter: EventFilter): Promise<EventPage>;
  /** Every chain id, in order (for verification). */
  chains(): AsyncIterable<string>;
  /** One chain's events in seq order, streamed. */
  chainEvents(chain: string): AsyncIterable<LedgerEvent>;
  /** The last event of a chain (its head), strongly consistent. */
  chainHead(chain: string): Promise<LedgerEvent | undefined>;
}
