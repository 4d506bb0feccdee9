import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { waitUntil } from './waitUntil.js';

/** DynamoDB Local as the `amplify-dynamodb-simulator` package ships it: the jar and its native libraries. */
const EMULATOR_DIR = fileURLToPath(new URL('../../node_modules/amplify-dynamodb-simulator/emulator/', import.meta.url));

/** DynamoDB Local accepts any access key of letters and digits; with -sharedDb it does not select a database either. */
export const DYNAMODB_LOCAL_CREDENTIALS = { accessKeyId: 'dynamodbLocal', secretAccessKey: 'dynamodbLocal' } as const;

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * AWS's own DynamoDB engine (DynamoDB Local, Java) in memory on a free loopback port: one database
 * whatever the access key (-sharedDb), and no usage reports sent anywhere (-disableTelemetry).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  if (!existsSync(`${EMULATOR_DIR}DynamoDBLocal.jar`)) throw new Error(`DynamoDB Local is not installed at ${EMULATOR_DIR} (npm ci installs it)`);
  const port = await freePort();
  const java = spawn(
    'java',
    [`-Djava.library.path=${EMULATOR_DIR}DynamoDBLocal_lib`, '-jar', `${EMULATOR_DIR}DynamoDBLocal.jar`, '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    // The environment switch too, which the engine also reads, in case a version ignores the flag.
    { cwd: EMULATOR_DIR, env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = `${output}${chunk.toString()}`.slice(-4_000);
  };
  java.stdout?.on('data', collect);
  java.stderr?.on('data', collect);
  let failed: Error | undefined;
  java.once('error', (error) => {
    failed = new Error('DynamoDB Local could not start: is Java 17 (java) on the PATH?', { cause: error });
  });
  java.once('exit', (code) => {
    failed ??= new Error(`DynamoDB Local exited with ${code}: ${output}`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS, maxAttempts: 1 });
  try {
    await waitUntil(
      async () => {
        if (failed) throw failed;
        return client.send(new ListTablesCommand({})).then(
          () => true,
          () => false,
        );
      },
      60_000,
      'DynamoDB Local to answer',
      () => output,
    );
  } catch (error) {
    java.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop: () => stop(java) };
}

async function stop(java: ChildProcess): Promise<void> {
  if (java.exitCode !== null || java.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => java.once('exit', () => resolve()));
  // In memory, nothing to flush: the fastest way down is the right one.
  java.kill('SIGKILL');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
