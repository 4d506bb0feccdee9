import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SourceClock } from '../../ports/SourceClock.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';
import { keyFits } from './keyFits.js';

const key = (personId: string, source: string): Record<string, string> => ({ pk: `SOURCECLOCK#${personId}`, sk: source });

/** Per person and source, the time of the last applied event, in the Operations table; it only moves forward. */
export class DynamoSourceClock implements SourceClock {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async lastApplied(personId: string, source: string): Promise<string | undefined> {
    if (!keyFits(`SOURCECLOCK#${personId}`)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(personId, source), ConsistentRead: true }));
    return typeof Item?.at === 'string' ? Item.at : undefined;
  }

  public async advance(personId: string, source: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(personId, source),
          UpdateExpression: 'SET #at = :at',
          // ISO times in UTC with the same precision compare as strings.
          ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      // A newer event of the source was applied meanwhile: its time stays.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
