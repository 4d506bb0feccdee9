import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Checkpoint } from '../../domain/Checkpoint.js';
import { GENESIS_HASH } from '../../domain/LedgerEvent.js';
import type { CheckpointStore } from '../../ports/CheckpointStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';

const HEAD = { pk: 'CHECKPOINT', sk: 'LATEST' };

/**
 * Checkpoints in the Operations table: the latest in a head item replaced only on a condition on
 * its hash (so two writers cannot both extend the same checkpoint), and each one also kept under
 * its time for the record.
 */
export class DynamoCheckpointStore implements CheckpointStore {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async latest(): Promise<Checkpoint | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: HEAD, ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.checkpoint)) as Checkpoint) : undefined;
  }

  public async save(checkpoint: Checkpoint): Promise<boolean> {
    const first = checkpoint.prevCheckpointHash === GENESIS_HASH;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...HEAD, hash: checkpoint.hash, checkpoint: JSON.stringify(checkpoint) },
          ...(first
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#hash = :previous', ExpressionAttributeNames: { '#hash': 'hash' }, ExpressionAttributeValues: { ':previous': checkpoint.prevCheckpointHash } }),
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: 'CHECKPOINTS', sk: `${checkpoint.createdAt}#${checkpoint.hash}`, checkpoint: JSON.stringify(checkpoint) } }),
    );
    return true;
  }
}
