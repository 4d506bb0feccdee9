import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { repairPendingIndex } from '../../lib/adapters/dynamodb/repairPendingIndex.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { type EmbeddedTables, startEmbeddedTables } from '../support/startEmbeddedTables.js';

// The repair itself is proven under kill -9 by test/chaos/leaver-burst.chaos.test.ts (an outbox
// whose index entry a kill removed stayed undelivered before it); this checks it on the engine.
describe('repairPendingIndex on the embedded engine', () => {
  let engine: EmbeddedTables;
  let db: DynamoDBDocumentClient;
  let table: string;
  beforeAll(async () => {
    engine = await startEmbeddedTables([{ definition: directoryTable, tableName: 'directory' }]);
    db = engine.db;
    table = engine.tableName('directory');
  });
  afterAll(async () => {
    await engine.close();
  });

  it('rewrites a pending item without changing it, and recovery still finds it', async () => {
    // Prepare: a user whose outbox is undelivered, and one whose outbox was delivered
    const store = new DynamoDirectoryStore(db, table);
    const now = new Date().toISOString();
    const user = (id: string) => ({ id, userName: `${id}@example.com`, active: true, version: 1, created: now, lastModified: now, attributes: { userName: `${id}@example.com` } });
    await store.putUser(user('pending'), undefined, { id: 'o1', createdAt: now, events: [], memberships: [] });
    await store.putUser(user('done'), undefined, { id: 'o2', createdAt: now, events: [], memberships: [] });
    await store.completeOutbox({ type: 'User', id: 'done' }, { id: 'o2', createdAt: now, events: [], memberships: [] });
    const before = (await db.send(new GetCommand({ TableName: table, Key: { pk: 'USER#pending', sk: 'USER' } }))).Item;

    // Act
    const found = await repairPendingIndex(db, table);

    // Assess
    expect(found).toBe(1);
    expect((await db.send(new GetCommand({ TableName: table, Key: { pk: 'USER#pending', sk: 'USER' } }))).Item).toEqual(before);
    expect((await store.listPendingOutboxes(10)).map((entry) => entry.key.id)).toEqual(['pending']);
  });
});
