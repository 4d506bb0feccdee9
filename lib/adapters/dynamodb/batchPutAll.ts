import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem's limit per request. */
const BATCH_SIZE = 25;
const MAX_ROUNDS = 8;

/**
 * Unconditional puts of any number of items, 25 per BatchWriteItem, retrying unprocessed ones with
 * a short back-off: for idempotent bulk work (an index backfill) where one PutItem per item would
 * not finish within a Lambda's time on a large directory.
 */
export async function batchPutAll(db: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  for (let offset = 0; offset < items.length; offset += BATCH_SIZE) {
    let pending = items.slice(offset, offset + BATCH_SIZE).map((item) => ({ PutRequest: { Item: item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_ROUNDS) throw new Error(`BatchWriteItem left ${pending.length} puts unprocessed`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** round * 10));
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
}
