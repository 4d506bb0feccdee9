import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../local/startEmbeddedDynamo.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

describe('DYNAMODB_ENDPOINT', () => {
  let external: EmbeddedDynamo;
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    // A separately running DynamoDB-compatible engine stands in for DynamoDB Local or LocalStack.
    external = await startEmbeddedDynamo();
    perimeter = await startTestPerimeter({ dynamodbEndpoint: external.endpoint, dynamodbCredentials: external.credentials });
  });
  afterAll(async () => {
    await perimeter.stop();
    await external.close();
  });

  it('creates its tables on the external engine and stores users there', async () => {
    // Act
    const created = await perimeter.scim('/Users', { method: 'POST', body: { userName: 'external@example.com' } });
    const client = new DynamoDBClient({ endpoint: external.endpoint, region: 'us-east-1', credentials: external.credentials });
    const tables = await client.send(new ListTablesCommand({}));
    client.destroy();

    // Assess
    expect(created.status).toBe(201);
    expect(tables.TableNames).toEqual(expect.arrayContaining(['perimeter-directory', 'perimeter-ledger']));
  });

  it('refuses every request not signed with the engine\'s own per-start credentials', async () => {
    // Another process on the machine, with any credentials of its own
    const intruder = new DynamoDBClient({ endpoint: external.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const refused = await intruder.send(new ListTablesCommand({})).catch((error: unknown) => error);
    intruder.destroy();
    expect((refused as { name?: string }).name).toBe('UnrecognizedClientException');
  });
});
