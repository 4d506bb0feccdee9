import { createHash, randomBytes } from 'node:crypto';
import { DYNAMODB_LOCAL_CREDENTIALS } from './startDynamoDbLocal.js';

/** Set by the global set-up of `npm run test:dynamodb-local` for every worker. */
const ENDPOINT_VARIABLE = 'PERIMETER_TEST_DYNAMODB_ENDPOINT';

export interface TestDynamo {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The shared DynamoDB Local of this run when tests run on it (PERIMETER_TEST_DYNAMODB=local), else
 * undefined: each test then starts its own embedded engine, as `npm test` does.
 */
export function testDynamo(): TestDynamo | undefined {
  const endpoint = process.env[ENDPOINT_VARIABLE];
  return endpoint ? { endpoint, credentials: DYNAMODB_LOCAL_CREDENTIALS } : undefined;
}

export function provideTestDynamo(endpoint: string): void {
  process.env[ENDPOINT_VARIABLE] = endpoint;
}

/**
 * The table prefix of the Perimeter whose data directory this is: its own tables on the shared
 * engine, the same ones again when it restarts on that directory (crash and restart tests).
 */
export function tablePrefixFor(dataDir: string): string {
  return `p${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
}

/** A prefix of its own for tables a test creates directly (one per engine a test would have started). */
export function freshTablePrefix(): string {
  return `t${randomBytes(8).toString('hex')}-`;
}

/** What a child Perimeter (`npm start`) needs in its environment to use the shared engine, if any. */
export function testDynamoEnv(dataDir: string): Record<string, string> {
  const dynamo = testDynamo();
  return dynamo ? { DYNAMODB_ENDPOINT: dynamo.endpoint, PERIMETER_TABLE_PREFIX: tablePrefixFor(dataDir) } : {};
}
