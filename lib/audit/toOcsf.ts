import type { LedgerEventStream } from './LedgerEventStream.js';
import { mapToOcsf, type OcsfOptions } from './mapToOcsf.js';

/**
 * OCSF export for SIEM ingestion: JSON Lines, one OCSF event per ledger event, in the order given.
 * See mapToOcsf for the class and activity of each ledger event type.
 */
export async function* toOcsf(events: LedgerEventStream, options: OcsfOptions = {}): AsyncGenerator<string, void, undefined> {
  for await (const event of events) yield `${JSON.stringify(mapToOcsf(event, options))}\n`;
}
