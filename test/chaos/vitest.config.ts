import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Crash-safety (chaos) tests: `npm run test:chaos`. Each file starts Perimeter as a child process
 * and SIGKILLs it again and again, so they are slow and kept out of `npm test`; CHAOS_SEED replays
 * a run's kill schedule.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/chaos/**/*.chaos.test.ts'],
    pool: 'forks',
    // One child Perimeter at a time on a two-core machine: kill timing depends on a free core.
    fileParallelism: false,
    // PERIMETER_TEST_DYNAMODB=local: every incarnation on one DynamoDB Local (npm run test:dynamodb-local).
    globalSetup: ['test/support/dynamoDbLocalGlobalSetup.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
