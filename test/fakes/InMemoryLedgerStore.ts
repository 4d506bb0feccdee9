import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { AuditStore, EventFilter, EventPage } from '../../lib/ports/AuditStore.js';
import type { LedgerPruner } from '../../lib/ports/LedgerArchive.js';
import type { LedgerStore } from '../../lib/ports/LedgerStore.js';
import { byKey, copy } from './storeSemantics.js';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 30;

/**
 * The ledger's ports in memory (test/contract/ledgerStoreContract.ts): the append-only store, the
 * auditor's indexed reads with the DynamoDB adapter's orderings and page cursors, and the retention
 * job's pruner. A hook simulates a competing writer.
 */
export class InMemoryLedgerStore implements LedgerStore, AuditStore, LedgerPruner {
  /** Each chain's events in seq order. */
  private readonly byChain = new Map<string, LedgerEvent[]>();
  /** Chains in the order their first event was written; a chain stays known after pruning. */
  private readonly known = new Set<string>();
  /** Called before each insert; return an event to have "another writer" take the slot first. */
  public interloper: ((event: LedgerEvent) => LedgerEvent | undefined) | undefined;

  public async recent(chain: string, since: string): Promise<LedgerEvent[]> {
    const out: LedgerEvent[] = [];
    for (const event of [...this.events(chain)].reverse()) {
      if (out.length > 0 && event.recordedAt < since) break;
      out.push(copy(event));
    }
    return out;
  }

  public async insert(event: LedgerEvent): Promise<boolean> {
    const competitor = this.interloper?.(event);
    if (competitor) this.put(competitor);
    return this.put(event);
  }

  /** In the order recorded: by record time, then chain, then seq (the adapter's index sort key). */
  public async forPerson(personId: string): Promise<LedgerEvent[]> {
    return this.indexed((event) => event.personId === personId).map((event) => copy(event));
  }

  public async chain(chain: string): Promise<LedgerEvent[]> {
    return this.events(chain).map((event) => copy(event));
  }

  public byPerson(personId: string, filter: EventFilter): Promise<EventPage> {
    return this.page(`person:${personId}`, (event) => event.personId === personId, filter);
  }

  public byApp(app: string, filter: EventFilter): Promise<EventPage> {
    return this.page(`app:${app}`, (event) => event.app === app, filter);
  }

  public byEntitlement(app: string, entitlement: string, filter: EventFilter): Promise<EventPage> {
    return this.page(`entitlement:${app}#${entitlement}`, (event) => !!event.app && event.app === app && event.entitlement === entitlement, filter);
  }

  public byTime(filter: EventFilter): Promise<EventPage> {
    const to = filter.to ?? new Date().toISOString();
    const from = filter.from ?? new Date(Date.parse(to) - DEFAULT_RANGE_DAYS * DAY_MS).toISOString();
    // The adapter reads one index partition per UTC day of the range; a range that ends before it
    // starts reads none.
    const start = Date.parse(from.slice(0, 10));
    const end = Date.parse(to.slice(0, 10));
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) return this.page('time', () => false, filter);
    return this.page('time', () => true, { ...filter, from, to });
  }

  public async *chains(): AsyncIterable<string> {
    for (const chain of [...this.known].sort(byKey)) yield chain;
  }

  public async *chainEvents(chain: string): AsyncIterable<LedgerEvent> {
    for (const event of this.events(chain)) yield copy(event);
  }

  public async chainHead(chain: string): Promise<LedgerEvent | undefined> {
    return copy(this.events(chain).at(-1));
  }

  public async deleteEvents(chain: string, seqs: readonly number[]): Promise<void> {
    const events = this.byChain.get(chain);
    if (events) this.byChain.set(chain, events.filter((event) => !seqs.includes(event.seq)));
  }

  private events(chain: string): readonly LedgerEvent[] {
    return this.byChain.get(chain) ?? [];
  }

  private put(event: LedgerEvent): boolean {
    const events = this.byChain.get(event.chain) ?? [];
    if (events.some((existing) => existing.seq === event.seq)) return false;
    events.push(copy(event));
    events.sort((a, b) => a.seq - b.seq);
    this.byChain.set(event.chain, events);
    this.known.add(event.chain);
    return true;
  }

  /** Every event that matches, in index order. */
  private indexed(matches: (event: LedgerEvent) => boolean): LedgerEvent[] {
    return [...this.byChain.values()]
      .flat()
      .filter(matches)
      .sort((a, b) => byKey(timeKey(a), timeKey(b)));
  }

  /**
   * One page of an index read. from/to compare with the record time's prefix, so `to` includes
   * the whole instant (or day) it names. Like a DynamoDB query, a full page carries a cursor even
   * when nothing follows it; a cursor names the query it came from, and any other is refused.
   */
  private async page(query: string, matches: (event: LedgerEvent) => boolean, filter: EventFilter): Promise<EventPage> {
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, query);
    const lower = filter.from ?? '';
    const upper = `${filter.to ?? '9999'}~`;
    const ordered = this.indexed(matches).filter((event) => byKey(timeKey(event), lower) >= 0 && byKey(timeKey(event), upper) <= 0);
    if (filter.descending) ordered.reverse();
    const direction = filter.descending ? -1 : 1;
    const events = ordered.filter((event) => after === undefined || byKey(timeKey(event), after) * direction > 0).slice(0, filter.limit);
    const last = events.length === filter.limit ? events.at(-1) : undefined;
    return { events: events.map((event) => copy(event)), ...(last ? { nextCursor: encodeCursor(query, timeKey(last)) } : {}) };
  }
}

/** The adapter's index sort key: record time, then chain and seq. */
function timeKey(event: LedgerEvent): string {
  return `${event.recordedAt}#${event.chain}#${String(event.seq).padStart(12, '0')}`;
}

function encodeCursor(query: string, after: string): string {
  return Buffer.from(JSON.stringify({ query, after }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, query: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError('The cursor is not one this API issued', { cause: error });
  }
  const { query: issuedFor, after } = (decoded ?? {}) as { query?: unknown; after?: unknown };
  if (typeof after !== 'string' || typeof issuedFor !== 'string') throw new InvalidCursorError('The cursor is not one this API issued');
  if (issuedFor !== query) throw new InvalidCursorError('The cursor belongs to a different query');
  return after;
}
