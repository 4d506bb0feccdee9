import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start an embedded DynamoDB per file; two cores is the norm on CI.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
