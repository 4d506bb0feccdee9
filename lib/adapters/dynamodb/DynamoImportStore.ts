import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectorImport } from '../../domain/ConnectorImport.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import { isConditionalCheckFailed } from './isConditionalCheckFailed.js';

const PK = 'CONNECTOR_IMPORT';

/** Import states in the Operations table, one item per app, replaced only on a condition on its version. */
export class DynamoImportStore implements ImportStore {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(app: string): Promise<ConnectorImport | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: app }, ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.state)) as ConnectorImport) : undefined;
  }

  public async save(next: ConnectorImport): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: PK, sk: next.app, version: next.version, state: JSON.stringify(next) },
          ...(next.version === 1
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :previous', ExpressionAttributeValues: { ':previous': next.version - 1 } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
