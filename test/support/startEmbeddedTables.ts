import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/adapters/dynamodb/createDocumentClient.js';
import { ensureTables } from '../../lib/adapters/dynamodb/ensureTables.js';
import type { TableDefinition } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { startEmbeddedDynamo } from '../../local/startEmbeddedDynamo.js';

export interface EmbeddedTables {
  readonly client: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  /** Creates more tables (e.g. one per test). */
  ensure(tables: readonly { definition: TableDefinition; tableName: string }[]): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory embedded DynamoDB engine with these tables, for adapter tests without the whole server. */
export async function startEmbeddedTables(tables: readonly { definition: TableDefinition; tableName: string }[] = []): Promise<EmbeddedTables> {
  const engine = await startEmbeddedDynamo();
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: engine.credentials });
  const ensure = (more: readonly { definition: TableDefinition; tableName: string }[]): Promise<void> => ensureTables(client, more);
  await ensure(tables);
  return {
    client,
    db: createDocumentClient({ client }),
    ensure,
    close: async () => {
      client.destroy();
      await engine.close();
    },
  };
}
