import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests need Chromium: `npm run test:e2e` (test/e2e/vitest.config.ts), not `npm test`.
    // Kill -9 tests take minutes: `npm run test:chaos` (test/chaos/vitest.config.ts); so do the
    // 50,000-member groups: `npm run test:heavy` (test/heavy/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'test/e2e/**', 'test/chaos/**', 'test/heavy/**'],
    // Integration tests start an embedded DynamoDB per file; two cores is the norm on CI.
    pool: 'forks',
    // Two files at a time on two cores (vitest's default is one fewer than the cores: one, here).
    // Most files wait on HTTP and the embedded engine, so two cut `npm test` by about a third.
    maxWorkers: 2,
    // Fuzzing is seeded from the commit under test (FUZZ_SEED replays): a green CI run of a commit
    // is the run its author saw. PERIMETER_TEST_DYNAMODB=local (npm run test:dynamodb-local) starts
    // one DynamoDB Local for the run instead of an embedded engine per test.
    globalSetup: ['test/support/fuzzSeedGlobalSetup.ts', 'test/support/dynamoDbLocalGlobalSetup.ts'],
    setupFiles: ['test/support/seedFuzzing.ts'],
    // Room for a test beside another file on a loaded two-core machine; slow ones set their own.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
