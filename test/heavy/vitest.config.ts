import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Heavy tests: `npm run test:heavy`, run by CI after `npm test`. They push tens of thousands of
 * records through the real handlers, so they take minutes and stay out of `npm test`, which keeps
 * a smaller case of each.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/heavy/**/*.heavy.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/support/fuzzSeedGlobalSetup.ts'],
    setupFiles: ['test/support/seedFuzzing.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
  },
});
