import type { LedgerEvent } from '../domain/LedgerEvent.js';

/** Persistence for the append-only ledger. Implementations never update or delete an event. */
export interface LedgerStore {
  /**
   * The newest events of a chain, newest first: every event recorded at or after `since`, and at
   * least the head of the chain (if it has one). Strongly consistent.
   */
  recent(chain: string, since: string): Promise<LedgerEvent[]>;
  /** Writes the event unless its (chain, seq) slot is taken; false when another writer won it. */
  insert(event: LedgerEvent): Promise<boolean>;
  /** Every event about a person, across chains, in the order they were recorded. */
  forPerson(personId: string): Promise<LedgerEvent[]>;
  /** Every event of a chain in order (verification, tests). */
  chain(chain: string): Promise<LedgerEvent[]>;
}
