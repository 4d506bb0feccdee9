import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLog } from '../../ports/DeliveryLog.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';

/** A processing claim older than this is a crashed request; the delivery may be processed again. */
const STALE_CLAIM_MS = 5 * 60_000;
/**
 * Ids are remembered this long. Vendors without delivery ids are keyed by the body's hash, and an
 * id-only body (Rippling) can legitimately repeat years later (a rehire); replays come within
 * minutes, and signed timestamps bound them tighter where the scheme has one.
 */
const REMEMBER_MS = 7 * 86_400_000;

const key = (source: string, messageId: string): Record<string, string> => ({ pk: `WEBHOOK#${source}#${messageId}`, sk: 'DELIVERY' });

/** Webhook deliveries in the Operations table, claimed with conditional writes. */
export class DynamoDeliveryLog implements DeliveryLog {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async claim(source: string, messageId: string, now: Date): Promise<boolean> {
    const at = now.getTime();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(source, messageId), status: 'processing', at },
          // New, or a stale claim from a crash, or a delivery old enough to be forgotten.
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :processing AND #at < :stale) OR #at < :forgotten',
          ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
          ExpressionAttributeValues: { ':processing': 'processing', ':stale': at - STALE_CLAIM_MS, ':forgotten': at - REMEMBER_MS },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  public async complete(source: string, messageId: string, now: Date): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(source, messageId),
        UpdateExpression: 'SET #status = :done, #at = :at',
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
        ExpressionAttributeValues: { ':done': 'done', ':at': now.getTime() },
      }),
    );
  }

  public async release(source: string, messageId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key(source, messageId) }));
  }
}
