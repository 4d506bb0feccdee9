import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEvent } from '../../domain/LedgerEvent.js';
import { LedgerError } from '../../domain/LedgerError.js';
import type { AuditStore, EventFilter, EventPage } from '../../ports/AuditStore.js';
import type { LedgerPruner } from '../../ports/LedgerArchive.js';
import type { LedgerStore } from '../../ports/LedgerStore.js';
import { InvalidCursorError } from '../../audit/InvalidCursorError.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { toLedgerItem } from './toLedgerItem.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { queryAll } from './queryAll.js';

/** A pruned chain's start marker sits at seq 0, below every event: chain queries ask for seq > 0. */
const CHAIN_START_MARKER_SEQ = 0;
const PAGE = 25;
const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 3_660;

/**
 * Ledger events keyed by (chain, seq). The event itself is stored as its exact JSON in `event`, so
 * verification re-hashes the bytes that were hashed; the other attributes exist to be queried.
 */
export class DynamoLedgerStore implements LedgerStore, AuditStore, LedgerPruner {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async recent(chain: string, since: string): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'chain = :chain AND seq > :marker',
            ExpressionAttributeValues: { ':chain': chain, ':marker': CHAIN_START_MARKER_SEQ },
            ScanIndexForward: false,
            ConsistentRead: true,
            Limit: PAGE,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const event = JSON.parse(String(item.event)) as LedgerEvent;
          if (events.length > 0 && event.recordedAt < since) return events;
          events.push(event);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return events;
    } catch (error) {
      throw new LedgerError(`Failed to read chain ${chain}`, { cause: error });
    }
  }

  public async insert(event: LedgerEvent): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toLedgerItem(event),
          ConditionExpression: 'attribute_not_exists(chain)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new LedgerError(`Failed to append to chain ${event.chain}`, { cause: error });
    }
  }

  public async forPerson(personId: string): Promise<LedgerEvent[]> {
    try {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        IndexName: 'byPerson',
        KeyConditionExpression: 'personKey = :person',
        ExpressionAttributeValues: { ':person': `PERSON#${personId}` },
      });
      return items.map((item) => JSON.parse(String(item.event)) as LedgerEvent);
    } catch (error) {
      throw new LedgerError(`Failed to read the history of ${personId}`, { cause: error });
    }
  }

  public async chain(chain: string): Promise<LedgerEvent[]> {
    try {
      const items = await queryAll(this.db, {
        TableName: this.tableName,
        KeyConditionExpression: 'chain = :chain AND seq > :marker',
        ExpressionAttributeValues: { ':chain': chain, ':marker': CHAIN_START_MARKER_SEQ },
        ConsistentRead: true,
      });
      return items.map((item) => JSON.parse(String(item.event)) as LedgerEvent);
    } catch (error) {
      throw new LedgerError(`Failed to read chain ${chain}`, { cause: error });
    }
  }

  public byPerson(personId: string, filter: EventFilter): Promise<EventPage> {
    return this.indexPage('byPerson', 'personKey', `PERSON#${personId}`, filter);
  }

  public byApp(app: string, filter: EventFilter): Promise<EventPage> {
    return this.indexPage('byApp', 'appKey', `APP#${app}`, filter);
  }

  public byEntitlement(app: string, entitlement: string, filter: EventFilter): Promise<EventPage> {
    return this.indexPage('byEntitlement', 'entitlementKey', `ENT#${app}#${entitlement}`, filter);
  }

  /** Walks the day partitions of the byTime index; the cursor remembers the day and the key. */
  public async byTime(filter: EventFilter): Promise<EventPage> {
    const to = filter.to ?? new Date().toISOString();
    const from = filter.from ?? new Date(Date.parse(to) - DEFAULT_RANGE_DAYS * DAY_MS).toISOString();
    const days = daysBetween(from, to);
    if (filter.descending) days.reverse();
    const position = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    let dayIndex = position?.day ?? 0;
    let startKey = position?.key && days[dayIndex] ? startKeyFor(filter.cursor ?? '', 'dayKey', `DAY#${days[dayIndex]}`) : undefined;
    const events: LedgerEvent[] = [];
    while (dayIndex < days.length && events.length < filter.limit) {
      const page = await this.run('read events by time', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'byTime',
            KeyConditionExpression: 'dayKey = :day AND timeKey BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':day': `DAY#${days[dayIndex]}`, ':from': from, ':to': `${to}~` },
            ScanIndexForward: !filter.descending,
            Limit: filter.limit - events.length,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      events.push(...(page.Items ?? []).map((item) => JSON.parse(String(item.event)) as LedgerEvent));
      startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
      if (!startKey) dayIndex++;
    }
    const more = dayIndex < days.length;
    return { events, ...(more ? { nextCursor: encodeCursor({ day: dayIndex, ...(startKey ? { key: startKey } : {}) }) } : {}) };
  }

  public async *chains(): AsyncIterable<string> {
    let startKey: Record<string, unknown> | undefined;
    let previous: string | undefined;
    do {
      const page = await this.run('list chains', () =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'byChainStart',
            KeyConditionExpression: 'chainStartKey = :chains',
            ExpressionAttributeValues: { ':chains': 'CHAINS' },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      // A pruned chain is listed by its marker and, while it still has it, by its first event too:
      // both sort under the chain's name, so a repeat is the one just listed.
      for (const item of page.Items ?? []) {
        const chain = String(item.chain);
        if (chain !== previous) yield chain;
        previous = chain;
      }
      startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (startKey);
  }

  public async *chainEvents(chain: string): AsyncIterable<LedgerEvent> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.run(`read chain ${chain}`, () =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'chain = :chain AND seq > :marker',
            ExpressionAttributeValues: { ':chain': chain, ':marker': CHAIN_START_MARKER_SEQ },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) yield JSON.parse(String(item.event)) as LedgerEvent;
      startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (startKey);
  }

  public async chainHead(chain: string): Promise<LedgerEvent | undefined> {
    const page = await this.run(`read the head of ${chain}`, () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'chain = :chain AND seq > :marker',
          ExpressionAttributeValues: { ':chain': chain, ':marker': CHAIN_START_MARKER_SEQ },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      ),
    );
    const item = page.Items?.[0];
    return item ? (JSON.parse(String(item.event)) as LedgerEvent) : undefined;
  }

  /**
   * Removes archived events (retention only; in AWS only the retention function has DeleteItem on
   * the ledger). Repeating it after a crash deletes nothing twice.
   */
  public async deleteEvents(chain: string, seqs: readonly number[]): Promise<void> {
    // One DeleteItem per event, not BatchWriteItem: IAM cannot allow a batch's deletes without also
    // allowing its unconditional puts, which would let this role overwrite ledger events.
    // Before the chain's first event goes, a marker keeps the chain listed (byChainStart holds only
    // seq 1): without it verification and the next seal would not see the chain at all.
    if (seqs.includes(1)) {
      await this.run(`mark the start of ${chain}`, () =>
        this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { chain, seq: CHAIN_START_MARKER_SEQ, chainStartKey: 'CHAINS', type: 'chain.start' },
            ConditionExpression: 'attribute_not_exists(chain)',
          }),
        ).catch((error: unknown) => {
          if (!isConditionalCheckFailed(error)) throw error;
        }),
      );
    }
    for (const seq of seqs) {
      await this.run(`delete archived event ${chain}#${seq}`, () => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { chain, seq } })));
    }
  }

  private async indexPage(indexName: string, keyName: string, key: string, filter: EventFilter): Promise<EventPage> {
    const range = filter.from || filter.to;
    const exclusiveStartKey = filter.cursor ? startKeyFor(filter.cursor, keyName, key) : undefined;
    const page = await this.run(`read ${indexName}`, () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: `${keyName} = :key${range ? ' AND timeKey BETWEEN :from AND :to' : ''}`,
          ExpressionAttributeValues: {
            ':key': key,
            ...(range ? { ':from': filter.from ?? '0000', ':to': `${filter.to ?? '9999'}~` } : {}),
          },
          ScanIndexForward: !filter.descending,
          Limit: filter.limit,
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      ),
    );
    const events = (page.Items ?? []).map((item) => JSON.parse(String(item.event)) as LedgerEvent);
    return { events, ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor({ key: page.LastEvaluatedKey }) } : {}) };
  }

  private async run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new LedgerError(`Failed to ${what}`, { cause: error });
    }
  }
}

/** The UTC days (YYYY-MM-DD) a range touches, bounded so a silly range cannot loop for ever. */
function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(from.slice(0, 10));
  const end = Date.parse(to.slice(0, 10));
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [];
  const days: string[] = [];
  for (let t = start; t <= end && days.length < MAX_RANGE_DAYS; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The cursor's start key, if it belongs to this very query (else the client tampered with it). */
function startKeyFor(cursor: string, keyName: string, key: string): Record<string, unknown> {
  const start = decodeCursor(cursor).key;
  if (!start || start[keyName] !== key) throw new InvalidCursorError('The cursor belongs to a different query');
  return start;
}
