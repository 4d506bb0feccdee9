import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryItemCodec as codec } from '../../lib/adapters/dynamodb/directory/directoryItemCodec.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { DirectoryError } from '../../lib/domain/DirectoryError.js';
import type { UserRecord } from '../../lib/domain/DirectoryRecords.js';
import { rejection } from '../support/rejection.js';
import { type EmbeddedTables, startEmbeddedTables } from '../support/startEmbeddedTables.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const at = (seconds: number): string => new Date(NOW + seconds * 1000).toISOString();
const record = (id: string, userName: string): UserRecord => ({ id, userName, active: true, version: 1, created: at(0), lastModified: at(0), attributes: { userName } });
let outboxes = 0;
const outbox = () => ({ id: `o${++outboxes}`, createdAt: at(0), events: [], memberships: [] });

/**
 * Look-alike claims left behind by a crash heal as userName claims do: a claim whose owner never
 * got written (after a minute), or whose owner no longer has that skeleton (a rename that crashed
 * before its release), is taken over; a create still in flight keeps its claim.
 */
describe('look-alike claims left by a crash', () => {
  let engine: EmbeddedTables;
  let db: DynamoDBDocumentClient;
  let store: DynamoDirectoryStore;
  // Its name on the engine: under a prefix of its own on the shared DynamoDB Local (test:dynamodb-local).
  let table = 'directory';
  const claimOwner = async (userName: string): Promise<unknown> =>
    (await db.send(new GetCommand({ TableName: table, Key: { pk: `LOOKALIKE#${codec.lookalikeKey(userName)}`, sk: 'CLAIM' } }))).Item?.ownerId;
  const leaveClaim = (userName: string, ownerId: string, claimedAt: string) =>
    db.send(new PutCommand({ TableName: table, Item: { pk: `LOOKALIKE#${codec.lookalikeKey(userName)}`, sk: 'CLAIM', type: 'LookalikeClaim', ownerId, claimedAt } }));

  beforeAll(async () => {
    engine = await startEmbeddedTables([{ definition: directoryTable, tableName: 'directory' }]);
    table = engine.tableName('directory');
    db = engine.db;
    store = new DynamoDirectoryStore(db, table, () => new Date(NOW));
    await store.backfillMatchIndex();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('takes over the claim of a create that crashed before writing its user, once a minute has passed', async () => {
    // Prepare
    await leaveClaim('carol@example.com', 'u-ghost', at(-120));

    // Act
    await store.putUser(record('u2', 'car0l@example.com'), undefined, outbox());

    // Assess
    expect(await claimOwner('carol@example.com')).toBe('u2');
  });

  it('takes over the claim of a user renamed away from that skeleton by a write whose release crashed', async () => {
    // Prepare: u1 is dave now, but still holds erin's look-alike claim
    await store.putUser(record('u1', 'dave@example.com'), undefined, outbox());
    await leaveClaim('erin@example.com', 'u1', at(-1));

    // Act
    await store.putUser(record('u3', 'er\u0456n@example.com'), undefined, outbox());

    // Assess
    expect(await claimOwner('erin@example.com')).toBe('u3');
  });

  it('refuses a look-alike of a create still in flight', async () => {
    // Prepare
    await leaveClaim('frank@example.com', 'u-inflight', at(-10));

    // Act
    const refused = await rejection(store.putUser(record('u4', 'fr\u0430nk@example.com'), undefined, outbox()), DirectoryError);

    // Assess
    expect(refused.code).toBe('uniqueness');
    expect(await claimOwner('frank@example.com')).toBe('u-inflight');
  });
});
