import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientOptions {
  /** An alternative endpoint: the embedded engine locally, or DYNAMODB_ENDPOINT. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Pass a client to share its connection pool or to mock it in tests. */
  readonly client?: DynamoDBClient;
}

export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: options.region ?? process.env.AWS_REGION ?? 'us-east-1' };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // A local engine ignores credentials but the SDK insists on some; never used against AWS.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const client = options.client ?? new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
