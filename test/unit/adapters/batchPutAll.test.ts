import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchPutAll } from '../../../lib/adapters/dynamodb/batchPutAll.js';
import { createDocumentClient } from '../../../lib/adapters/dynamodb/createDocumentClient.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const db = (): DynamoDBDocumentClient => createDocumentClient({ client: new DynamoDBClient({ region: 'eu-west-1' }) });
const items = (count: number): Record<string, unknown>[] => Array.from({ length: count }, (_, i) => ({ pk: `MATCH#EMPNO#${i}`, sk: `u${i}` }));

describe('batchPutAll (SDK contract)', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('puts 25 items per BatchWriteItem, the API’s limit', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).resolves({});

    // Act
    await batchPutAll(db(), 'directory', items(60));

    // Assess
    const sizes = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.directory?.length);
    expect(sizes).toEqual([25, 25, 10]);
  });

  it('sends unprocessed items again until none is left', async () => {
    // Prepare: DynamoDB throttles part of the first request
    const [first, second] = items(2);
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { directory: [{ PutRequest: { Item: second } }] } })
      .resolves({});

    // Act
    await batchPutAll(db(), 'directory', [first ?? {}, second ?? {}]);

    // Assess
    const sent = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.directory?.map((request) => request.PutRequest?.Item?.sk));
    expect(sent).toEqual([['u0', 'u1'], ['u1']]);
  });

  it('gives up with an error when DynamoDB keeps leaving items unprocessed', async () => {
    // Prepare
    const [only] = items(1);
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: { directory: [{ PutRequest: { Item: only } }] } });

    // Act
    const error = await batchPutAll(db(), 'directory', [only ?? {}]).catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toMatch(/unprocessed/);
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(8);
  });
});
