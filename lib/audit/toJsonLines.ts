import { canonicalJson } from './canonicalJson.js';
import type { LedgerEventStream } from './LedgerEventStream.js';

/**
 * JSON Lines export: one event per line in RFC 8785 canonical form, `hash` included. Canonical JSON
 * never contains a raw line break (they are escaped inside strings), so a line is always one event,
 * and dropping `hash` from a line and SHA-256-ing the canonical rest reproduces `hash` — the format
 * an auditor can verify with nothing but a JCS library.
 */
export async function* toJsonLines(events: LedgerEventStream): AsyncGenerator<string, void, undefined> {
  for await (const event of events) yield `${canonicalJson(event)}\n`;
}
