import { startDynamoDbLocal } from './startDynamoDbLocal.js';
import { provideTestDynamo } from './testDynamo.js';

/**
 * With PERIMETER_TEST_DYNAMODB=local (`npm run test:dynamodb-local`): one DynamoDB Local for the
 * whole run, its endpoint handed to the workers through the environment; each test keeps to its
 * own tables on it. Otherwise nothing: tests use the embedded engine.
 */
export default async function dynamoDbLocalGlobalSetup(): Promise<(() => Promise<void>) | undefined> {
  const mode = process.env.PERIMETER_TEST_DYNAMODB;
  if (mode === undefined || mode === '' || mode === 'embedded') return undefined;
  if (mode !== 'local') throw new Error(`PERIMETER_TEST_DYNAMODB must be "local" or "embedded", got "${mode}"`);
  const engine = await startDynamoDbLocal();
  provideTestDynamo(engine.endpoint);
  process.stdout.write(`[dynamodb] DynamoDB Local at ${engine.endpoint}\n`);
  return () => engine.stop();
}
