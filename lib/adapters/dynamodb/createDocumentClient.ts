import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DocumentClientOptions {
  /** An alternative endpoint: the embedded engine locally, or DYNAMODB_ENDPOINT. */
  readonly endpoint?: string;
  /** The endpoint's credentials (the embedded engine accepts only its own); default placeholders. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region?: string;
  /** Pass a client to share its connection pool or to mock it in tests. */
  readonly client?: DynamoDBClient;
}

export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: options.region ?? process.env.AWS_REGION ?? 'us-east-1' };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // Never used against AWS: a local engine's own credentials, or placeholders the SDK insists on.
    config.credentials = options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const client = options.client ?? new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
