import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

/**
 * `npm run test:dynamodb-local`, first half: the integration suite and the Dynamo contract suites,
 * with `npm test`'s settings, on one DynamoDB Local (test/support/dynamoDbLocalGlobalSetup.ts,
 * PERIMETER_TEST_DYNAMODB=local) instead of the embedded engine. The second half is
 * test/chaos/leaver-burst on it (see the package.json script).
 */
export default defineConfig({
  test: {
    ...base.test,
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/integration/**/*.test.ts', 'test/contract/Dynamo*.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // Kept to the embedded engine for time: 500 leavers behind one kill -9 (about 2 minutes on
      // DynamoDB Local), which test/chaos/leaver-burst runs there with many kills.
      'test/integration/crash-fanout.test.ts',
    ],
  },
});
