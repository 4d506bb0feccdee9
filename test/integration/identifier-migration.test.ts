import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryItemCodec as codec } from '../../lib/adapters/dynamodb/directory/directoryItemCodec.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { DirectoryError } from '../../lib/domain/DirectoryError.js';
import type { UserRecord } from '../../lib/domain/DirectoryRecords.js';
import { rejection } from '../support/rejection.js';
import { type EmbeddedTables, startEmbeddedTables } from '../support/startEmbeddedTables.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const legacyUser = (id: string, userName: string, minutes: number): UserRecord => {
  const at = new Date(T0 + minutes * 60_000).toISOString();
  return { id, userName, active: true, version: 1, created: at, lastModified: at, attributes: { userName } };
};

/**
 * A directory written before userNames were canonical (README "Identifiers"): user items keyed by
 * NFC and lower case, claims under that key, no look-alike claims, and the first version's index
 * marker. It keeps working, is backfilled once, and names that now collide are reported and kept.
 */
describe('identifier claims of a directory written before canonical userNames', () => {
  let engine: EmbeddedTables;
  let db: DynamoDBDocumentClient;
  // Its name on the engine: under a prefix of its own on the shared DynamoDB Local (test:dynamodb-local).
  let table = 'directory';
  beforeAll(async () => {
    engine = await startEmbeddedTables([{ definition: directoryTable, tableName: 'directory' }]);
    table = engine.tableName('directory');
    db = engine.db;
    // What the previous version wrote: its key was userName.normalize('NFC').toLowerCase().
    for (const user of [legacyUser('u-bob', 'bob@example.com', 0), legacyUser('u-wide-bob', '\uFF42\uFF4F\uFF42@example.com', 1), legacyUser('u-grace', '\uFF47race@example.com', 2)]) {
      const oldKey = user.userName.normalize('NFC').toLowerCase();
      const item: Record<string, unknown> = { ...codec.userItem(user), userNameKey: oldKey };
      delete item.lookalikeKey;
      await db.send(new PutCommand({ TableName: table, Item: item }));
      await db.send(new PutCommand({ TableName: table, Item: { pk: `USERNAME#${oldKey}`, sk: 'CLAIM', type: 'UserNameClaim', ownerId: user.id, claimedAt: user.created } }));
    }
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'MATCHINDEX', sk: 'READY', type: 'MatchIndexReady', completedAt: new Date(T0).toISOString(), users: 3 } }));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('finds old users by their canonical name and refuses look-alikes of them before the backfill', async () => {
    // Prepare
    const store = new DynamoDirectoryStore(db, table);

    // Act
    const found = await store.findUserByUserName('grace@example.com');
    const refused = await rejection(store.putUser(legacyUser('u-new', 'gr\u0430ce@example.com', 10), undefined, { id: 'o1', createdAt: new Date(T0).toISOString(), events: [], memberships: [] }), DirectoryError);

    // Assess
    expect(await store.hasMatchIndex()).toBe(false);
    expect(found?.id).toBe('u-grace');
    expect(refused.code).toBe('uniqueness');
  });

  it('backfills the claims once, reports the users whose names now collide, and keeps both working', async () => {
    // Prepare
    const store = new DynamoDirectoryStore(db, table);

    // Act
    const report = await store.backfillMatchIndex();
    const later = new DynamoDirectoryStore(db, table);
    const lookalike = await rejection(later.putUser(legacyUser('u-new', 'b0b@example.com', 10), undefined, { id: 'o2', createdAt: new Date(T0).toISOString(), events: [], memberships: [] }), DirectoryError);
    const wideBob = await later.getUser('u-wide-bob');
    await later.putUser({ ...wideBob!, version: 2, attributes: { ...wideBob!.attributes, title: 'Kept' } }, wideBob, { id: 'o3', createdAt: new Date(T0).toISOString(), events: [], memberships: [] });

    // Assess
    expect(report).toEqual({ users: 3, collidingUserIds: ['u-wide-bob'] });
    expect(await later.hasMatchIndex()).toBe(true);
    expect(lookalike.code).toBe('uniqueness');
    expect((await later.findUserByUserName('BOB@example.com'))?.id).toBe('u-bob');
    expect((await later.findUserByUserName('grace@example.com'))?.id).toBe('u-grace');
    expect((await later.listUsers()).map((user) => user.id)).toEqual(['u-bob', 'u-grace', 'u-wide-bob']);
    expect((await later.getUser('u-wide-bob'))?.attributes.title).toBe('Kept');
  });
});
