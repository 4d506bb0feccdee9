import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';

// The cold-start baseline: the smallest Lambda built like Perimeter's (middy, an SDK v3 client
// created at init, one GetItem per request), bundled with the same options. What a Perimeter
// function's init takes beyond this is Perimeter's own.
const client = new DynamoDBClient({});

export const handler = middy<{ id?: string }, { found: boolean }>().handler(async (event): Promise<{ found: boolean }> => {
  const result = await client.send(new GetItemCommand({ TableName: 'baseline', Key: { pk: { S: event.id ?? 'none' } } }));
  return { found: result.Item !== undefined };
});
