import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../../lib/adapters/dynamodb/createDocumentClient.js';
import { DirectoryTable } from '../../../../lib/adapters/dynamodb/directory/DirectoryTable.js';
import { DirectoryError } from '../../../../lib/domain/DirectoryError.js';
import { rejection } from '../../../support/rejection.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const table = (): DirectoryTable => new DirectoryTable(createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) }), 'directory');
const conditionFailed = (): Error => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('DirectoryTable', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('answers "not found" for keys no item can have, without asking DynamoDB', async () => {
    // Act
    const found = [await table().get({ pk: 'x'.repeat(3000), sk: 'USER' }), await table().batchGet([{ pk: 'USER#u1', sk: 's'.repeat(1100) }])];

    // Assess
    expect(found).toEqual([undefined, []]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('runs: passes a DirectoryError through and reports any other failure as unavailable, with its cause', async () => {
    // Prepare
    const uniqueness = new DirectoryError('uniqueness', 'taken');
    const cause = new Error('socket hang up');

    // Act
    const passed = await rejection(table().run('read item', () => Promise.reject(uniqueness)), DirectoryError);
    const mapped = await rejection(table().run('read item', () => Promise.reject(cause)), DirectoryError);

    // Assess
    expect(passed).toBe(uniqueness);
    expect([mapped.code, mapped.message, mapped.cause]).toEqual(['unavailable', 'Directory store failed to read item', cause]);
  });

  it('runs a conditional write: a failed condition is answered by onConditionFailed, anything else is unavailable', async () => {
    // Prepare
    const inner = new DirectoryError('unavailable', 'Directory store failed to read item');

    // Act
    const answered = await table().conditionally('claim userName', () => Promise.reject(conditionFailed()), () => false);
    const mapped = await rejection(table().conditionally('complete outbox', () => Promise.reject(inner), () => undefined), DirectoryError);

    // Assess
    expect(answered).toBe(false);
    expect([mapped.code, mapped.message, mapped.cause]).toEqual(['unavailable', 'Directory store failed to complete outbox', inner]);
  });
});
