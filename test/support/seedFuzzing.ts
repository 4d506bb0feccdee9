import * as fc from 'fast-check';

// Every property test starts from the run's seed (test/support/fuzzSeedGlobalSetup.ts); fast-check
// also prints the seed and path of a failing case.
fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 0) });
