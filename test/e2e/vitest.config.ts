import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * `npm run test:e2e`. Kept out of `npm test`, which needs nothing but Node.js.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    // One browser per file; files one at a time on a two-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
