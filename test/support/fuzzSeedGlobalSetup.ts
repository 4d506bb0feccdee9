import { commitSeed } from './commitSeed.js';

/**
 * Once per run, before the workers start: the seed every property test uses (FUZZ_SEED, else the
 * commit's), handed to the workers through the environment and printed, so a failure is replayed
 * with FUZZ_SEED=<seed> npm test.
 */
export default function fuzzSeedGlobalSetup(): void {
  const seed = commitSeed(process.env.FUZZ_SEED, 'FUZZ_SEED');
  process.env.FUZZ_SEED = String(seed);
  process.stdout.write(`[fuzz] seed ${seed} (replay with FUZZ_SEED=${seed} npm test)\n`);
}
