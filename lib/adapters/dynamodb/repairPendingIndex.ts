import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';

/**
 * The embedded engine (dynalite) updates an item's index entries and then the item, as two writes.
 * A process killed between them can leave an item still marked pending (an undelivered outbox, an
 * unqueued plan) whose entry in the `pending` index is already gone, and recovery, which reads that
 * index, would never deliver it. Setting pendingPk to its own value makes the engine write the
 * item's index entries again. Local mode runs this at start, before recovery; DynamoDB keeps its
 * indexes itself. Returns how many pending items it found.
 */
export async function repairPendingIndex(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  let found = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'attribute_exists(pendingPk)',
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      found++;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET pendingPk = pendingPk',
            ConditionExpression: 'attribute_exists(pendingPk)',
          }),
        );
      } catch (error) {
        // Delivered since the scan read it: nothing left to repair.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (startKey);
  return found;
}
