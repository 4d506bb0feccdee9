import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import type { TableDefinition } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { type EmbeddedTables, startEmbeddedTables } from './startEmbeddedTables.js';

/**
 * Starts an embedded engine for the calling test file (before its tests; closed after them) and
 * returns a factory that creates a new, empty table of `definition` on each call and hands it to
 * `open` (an adapter's constructor), so that no test sees what another one wrote.
 */
export function onFreshTables<T>(definition: TableDefinition, open: (db: DynamoDBDocumentClient, tableName: string) => T): () => Promise<T> {
  let engine: EmbeddedTables | undefined;
  let tables = 0;
  beforeAll(async () => {
    engine = await startEmbeddedTables();
  });
  afterAll(async () => {
    await engine?.close();
  });
  return async () => {
    if (!engine) throw new Error('onFreshTables: the engine starts in beforeAll; open from a test or a beforeEach');
    const name = `${definition.id.toLowerCase()}-${++tables}`;
    await engine.ensure([{ definition, tableName: name }]);
    return open(engine.db, engine.tableName(name));
  };
}
