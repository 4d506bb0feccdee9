import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerEvent } from '../../ledger/LedgerEvent.js';
import { LedgerError } from '../../ledger/LedgerError.js';
import type { LedgerStore } from '../../ports/LedgerStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { queryAll } from './queryAll.js';

const PAGE = 25;

/**
 * Ledger events keyed by (chain, seq). The event itself is stored as its exact JSON in `event`, so
 * verification re-hashes the bytes that were hashed; the other attributes exist to be queried.
 */
export class DynamoLedgerStore implements LedgerStore {
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
            KeyConditionExpression: 'chain = :chain',
            ExpressionAttributeValues: { ':chain': chain },
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
    const day = event.recordedAt.slice(0, 10);
    const timeKey = `${event.recordedAt}#${event.chain}#${String(event.seq).padStart(12, '0')}`;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            chain: event.chain,
            seq: event.seq,
            eventId: event.eventId,
            type: event.type,
            personId: event.personId,
            recordedAt: event.recordedAt,
            dayKey: `DAY#${day}`,
            timeKey,
            ...(event.app ? { appKey: `APP#${event.app}` } : {}),
            ...(event.personId ? { personKey: `PERSON#${event.personId}` } : {}),
            event: JSON.stringify(event),
          },
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
        KeyConditionExpression: 'chain = :chain',
        ExpressionAttributeValues: { ':chain': chain },
        ConsistentRead: true,
      });
      return items.map((item) => JSON.parse(String(item.event)) as LedgerEvent);
    } catch (error) {
      throw new LedgerError(`Failed to read chain ${chain}`, { cause: error });
    }
  }
}
