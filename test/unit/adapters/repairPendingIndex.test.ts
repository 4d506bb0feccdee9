import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lib/adapters/dynamodb/createDocumentClient.js';
import { repairPendingIndex } from '../../../lib/adapters/dynamodb/repairPendingIndex.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const db = (): DynamoDBDocumentClient => createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) });

describe('repairPendingIndex (SDK contract)', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('rewrites pendingPk of every pending item, page after page, so the engine writes its index entries again', async () => {
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ pk: 'USER#a', sk: 'USER' }], LastEvaluatedKey: { pk: 'USER#a', sk: 'USER' } })
      .resolves({ Items: [{ pk: 'USER#b', sk: 'USER' }] });
    dynamo.on(UpdateCommand).resolves({});

    // Act
    const found = await repairPendingIndex(db(), 'directory');

    // Assess
    expect(found).toBe(2);
    expect(dynamo.commandCalls(ScanCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'directory', FilterExpression: 'attribute_exists(pendingPk)', ProjectionExpression: 'pk, sk', ConsistentRead: true },
      { TableName: 'directory', FilterExpression: 'attribute_exists(pendingPk)', ProjectionExpression: 'pk, sk', ConsistentRead: true, ExclusiveStartKey: { pk: 'USER#a', sk: 'USER' } },
    ]);
    expect(dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual(
      ['USER#a', 'USER#b'].map((pk) => ({
        TableName: 'directory',
        Key: { pk, sk: 'USER' },
        UpdateExpression: 'SET pendingPk = pendingPk',
        ConditionExpression: 'attribute_exists(pendingPk)',
      })),
    );
  });

  it('skips an item delivered since the scan, and lets any other failure through', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [{ pk: 'USER#a', sk: 'USER' }] });
    dynamo.on(UpdateCommand).rejectsOnce(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' })).rejects(new Error('socket hang up'));

    // Act
    const first = await repairPendingIndex(db(), 'directory');
    const second = await repairPendingIndex(db(), 'directory').catch((error: unknown) => error);

    // Assess
    expect(first).toBe(1);
    expect((second as Error).message).toBe('socket hang up');
  });
});
