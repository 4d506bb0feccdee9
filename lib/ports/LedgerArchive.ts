import type { LedgerEvent } from '../domain/LedgerEvent.js';

/**
 * Where events leave the ledger for: the local data directory, or an S3 bucket in AWS. Writing the
 * same run and chain again replaces the object (a retention run that crashed is simply re-run).
 */
export interface LedgerArchive {
  /** Stores the events (JSON Lines, canonical) and returns where, for the ledger's record. */
  write(runId: string, chain: string, events: readonly LedgerEvent[]): Promise<string>;
}

/** The one capability that removes ledger events, given only to the retention job. */
export interface LedgerPruner {
  deleteEvents(chain: string, seqs: readonly number[]): Promise<void>;
}
