import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/adapters/dynamodb/createDocumentClient.js';
import { ensureTables } from '../../lib/adapters/dynamodb/ensureTables.js';
import type { TableDefinition } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { startEmbeddedDynamo } from '../../local/startEmbeddedDynamo.js';
import { freshTablePrefix, testDynamo } from './testDynamo.js';

export interface EmbeddedTables {
  readonly client: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  /**
   * The name a table called `name` here has on the engine: itself on the embedded engine, under
   * this engine's own prefix on the run's shared DynamoDB Local.
   */
  tableName(name: string): string;
  /** Creates more tables (e.g. one per test), named as tableName() names them. */
  ensure(tables: readonly { definition: TableDefinition; tableName: string }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An in-memory embedded DynamoDB engine with these tables, for adapter tests without the whole
 * server; with `npm run test:dynamodb-local`, tables of their own on the run's DynamoDB Local.
 */
export async function startEmbeddedTables(tables: readonly { definition: TableDefinition; tableName: string }[] = []): Promise<EmbeddedTables> {
  const shared = testDynamo();
  const engine = shared ? undefined : await startEmbeddedDynamo();
  const endpoint = shared?.endpoint ?? engine?.endpoint;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: shared?.credentials ?? engine?.credentials });
  const prefix = shared ? freshTablePrefix() : '';
  const tableName = (name: string): string => `${prefix}${name}`;
  const ensure = (more: readonly { definition: TableDefinition; tableName: string }[]): Promise<void> =>
    ensureTables(client, more.map((table) => ({ definition: table.definition, tableName: tableName(table.tableName) })));
  await ensure(tables);
  return {
    client,
    db: createDocumentClient({ client }),
    tableName,
    ensure,
    close: async () => {
      client.destroy();
      await engine?.close();
    },
  };
}
