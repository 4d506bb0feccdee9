import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAwsCall {
  /** The JSON protocol's operation (X-Amz-Target, e.g. "AmazonSSM.GetParameter"), or the method and path. */
  readonly operation: string;
  readonly answered: boolean;
}

export interface FakeAwsEndpoint {
  /** For AWS_ENDPOINT_URL: every SDK v3 client of the child process then calls this server. */
  readonly url: string;
  /** Every call so far, in order; the cold-start bench diffs it around each sample. */
  readonly calls: readonly FakeAwsCall[];
  close(): Promise<void>;
}

export interface FakeAwsAnswers {
  /** SSM parameter values by name (GetParameter). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Secrets Manager values by name or ARN (GetSecretValue). */
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * A stand-in for the AWS APIs a Lambda's init may call, so the cold-start bench runs offline:
 * SSM GetParameter, Secrets Manager GetSecretValue, and DynamoDB (empty answers). Any other call is
 * answered with an error and recorded, so the bench reports an init that calls something new.
 * Answers come from loopback in a millisecond; a real init pays the service's round trip on top.
 */
export async function startFakeAwsEndpoint(answers: FakeAwsAnswers): Promise<FakeAwsEndpoint> {
  const calls: FakeAwsCall[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const operation = typeof target === 'string' ? target : `${request.method ?? '?'} ${request.url ?? '/'}`;
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // Not a JSON-protocol call; it falls through to "unknown operation" below.
      }
      const answer = answerFor(operation, input, answers);
      calls.push({ operation, answered: answer.status === 200 });
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `bench-${calls.length}` });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerFor(operation: string, input: Record<string, unknown>, answers: FakeAwsAnswers): { status: number; body: unknown } {
  if (operation === 'AmazonSSM.GetParameter') {
    const name = String(input.Name);
    const value = answers.parameters[name];
    if (value === undefined) return { status: 400, body: { __type: 'ParameterNotFound', message: `No parameter ${name}` } };
    return { status: 200, body: { Parameter: { Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text' } } };
  }
  if (operation === 'secretsmanager.GetSecretValue') {
    const id = String(input.SecretId);
    const value = answers.secrets[id];
    if (value === undefined) return { status: 400, body: { __type: 'ResourceNotFoundException', message: `No secret ${id}` } };
    return { status: 200, body: { ARN: id, Name: id, SecretString: value, VersionId: 'bench-version', VersionStages: ['AWSCURRENT'] } };
  }
  if (operation.startsWith('DynamoDB_20120810.')) return { status: 200, body: {} };
  return { status: 400, body: { __type: 'UnknownOperationException', message: `The cold-start bench's fake AWS does not answer ${operation}` } };
}
