import type { LedgerEvent } from '../domain/LedgerEvent.js';
import { canonicalJson } from './canonicalJson.js';
import type { LedgerEventStream } from './LedgerEventStream.js';

/** The export's columns, in order; the header row spells them exactly like this. */
export const CSV_COLUMNS = [
  'recordedAt',
  'occurredAt',
  'chain',
  'seq',
  'type',
  'outcome',
  'personId',
  'app',
  'entitlement',
  'rule',
  'actor',
  'channel',
  'requestId',
  'operation',
  'before',
  'after',
  'detail',
  'prevHash',
  'hash',
] as const;

// RFC 4180 §2: records end in CRLF.
const CRLF = '\r\n';

// OWASP "CSV Injection": spreadsheets treat a cell starting with one of these as a formula (tab and
// carriage return were added to the list later, because some applications strip them and then
// evaluate what follows). https://owasp.org/www-community/attacks/CSV_Injection
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

// RFC 4180 §2.6: a field holding a comma, a double quote or a line break must be quoted.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * CSV export for spreadsheets: RFC 4180 (header row, CRLF, quotes doubled, fields with a comma,
 * quote, CR or LF quoted) and safe to open: any cell that would start with a formula trigger gets a
 * leading single quote, which spreadsheets take as "this is text", and is then quoted. The quote is
 * visible to plain CSV readers; that is the price OWASP recommends paying, because ledger fields
 * (names, group names, error messages) come from IdPs, HR systems and SaaS APIs we do not control.
 *
 * Every cell is escaped, our own included: a JSON cell can start with `-` (a negative number), and
 * one rule for all cells is easier to trust than a list of "safe" columns.
 *
 * `before`, `after` and `detail` are canonical JSON, empty when the event has none. The event's
 * `eventId` is not a column, so CSV rows cannot be re-hashed: use the JSON Lines export for that.
 */
export async function* toCsv(events: LedgerEventStream): AsyncGenerator<string, void, undefined> {
  yield row(CSV_COLUMNS);
  for await (const event of events) yield row(cellsOf(event));
}

function cellsOf(event: LedgerEvent): string[] {
  return [
    event.recordedAt,
    event.occurredAt,
    event.chain,
    String(event.seq),
    event.type,
    event.outcome,
    event.personId ?? '',
    event.app ?? '',
    event.entitlement ?? '',
    event.rule ?? '',
    event.source.actor,
    event.source.channel,
    event.source.requestId ?? '',
    event.source.operation ?? '',
    json(event.before),
    json(event.after),
    json(event.detail),
    event.prevHash,
    event.hash,
  ];
}

function json(value: unknown): string {
  return value === undefined ? '' : canonicalJson(value);
}

function row(cells: readonly string[]): string {
  return cells.map(cell).join(',') + CRLF;
}

function cell(value: string): string {
  const first = value.charAt(0);
  if (FORMULA_TRIGGERS.has(first)) return quote(`'${value}`);
  return NEEDS_QUOTES.test(value) ? quote(value) : value;
}

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
