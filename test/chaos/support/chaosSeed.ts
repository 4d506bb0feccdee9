import { commitSeed } from '../../support/commitSeed.js';

/**
 * The seed of one chaos test: CHAOS_SEED when set (to replay a failure), else the commit's. Each
 * test derives its own from it (`salt`), so replaying one file does not depend on the other having
 * run first. Printed either way, because a chaos failure without its seed cannot be reproduced.
 */
export function chaosSeed(salt: string): number {
  const seed = commitSeed(process.env.CHAOS_SEED, 'CHAOS_SEED');
  process.stdout.write(`[chaos] ${salt}: seed ${seed} (replay with CHAOS_SEED=${seed} npm run test:chaos)\n`);
  return (seed ^ hash(salt)) >>> 0;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 0x01000193);
  return h >>> 0;
}
