import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lib/adapters/dynamodb/createDocumentClient.js';
import { DynamoDirectoryStore } from '../../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const now = '2026-01-01T00:00:00.000Z';
const user = { id: 'u1', userName: 'Ann@Example.com', active: true, version: 1, created: now, lastModified: now, attributes: { userName: 'Ann@Example.com' } };
const outbox = { id: 'o1', createdAt: now, events: [], memberships: [] };

describe('DynamoDirectoryStore (SDK contract)', () => {
  beforeEach(() => {
    dynamo.reset();
  });
  const store = (): DynamoDirectoryStore => new DynamoDirectoryStore(createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) }), 'directory');

  it('reads strongly consistent items by the documented keys', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    await store().getUser('u1');

    // Assess
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'directory',
      Key: { pk: 'USER#u1', sk: 'USER' },
      ConsistentRead: true,
    });
  });

  it('claims the canonical userName and its look-alike skeleton before writing the user, all conditionally', async () => {
    // Prepare: a store whose identifier claims are backfilled (else every user would be read first)
    dynamo.on(PutCommand).resolves({});
    dynamo.on(GetCommand).resolves({ Item: { pk: 'MATCHINDEX', sk: 'READY#2' } });

    // Act
    await store().putUser(user, undefined, outbox);
    const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);

    // Assess
    expect(puts[0]).toMatchObject({ Item: { pk: 'USERNAME#ann@example.com', sk: 'CLAIM', ownerId: 'u1' }, ConditionExpression: 'attribute_not_exists(pk) OR ownerId = :me' });
    expect(puts[1]).toMatchObject({ Item: { pk: 'LOOKALIKE#ann@exarnple.corn', sk: 'CLAIM', ownerId: 'u1' }, ConditionExpression: 'attribute_not_exists(pk) OR ownerId = :me' });
    expect(puts[2]).toMatchObject({
      Item: { pk: 'USER#u1', sk: 'USER', version: 1, outboxId: 'o1', pendingPk: 'PENDING', gsi1pk: 'TYPE#User' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('reports a throttled or failing store as unavailable (a 500 at the edge), never as not found', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    dynamo.on(GetCommand).rejects(throttled);
    dynamo.on(QueryCommand).rejects(new Error('socket hang up'));

    // Act
    const read = await store().getUser('u1').catch((error: unknown) => error);
    const list = await store().listUsers().catch((error: unknown) => error);

    // Assess
    for (const failure of [read, list]) {
      expect(failure).toBeInstanceOf(DirectoryError);
      expect((failure as DirectoryError).code).toBe('unavailable');
      expect((failure as DirectoryError).cause).toBeInstanceOf(Error);
    }
  });
});

describe('DynamoDirectoryStore with ids no key can hold', () => {
  beforeEach(() => {
    dynamo.reset();
  });
  const store = (): DynamoDirectoryStore => new DynamoDirectoryStore(createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) }), 'directory');

  it('answers "not found" without asking DynamoDB, which would refuse the key with a ValidationException', async () => {
    // Prepare: DynamoDB's answer to a key over 2048 bytes
    dynamo.onAnyCommand().rejects(Object.assign(new Error('One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes'), { name: 'ValidationException' }));
    const id = 'x'.repeat(3000);

    // Act
    const found = [await store().getUser(id), await store().getUsers([id]), await store().membersOf(id), await store().groupIdsOf(id), await store().findIdsByExternalId('User', id)];

    // Assess
    expect(found).toEqual([undefined, [], [], [], []]);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
