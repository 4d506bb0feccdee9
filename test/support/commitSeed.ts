import { execFileSync } from 'node:child_process';

/**
 * The seed for this run's randomised tests (fuzzing, chaos): `given` (an environment variable, to
 * replay a failure), else one derived from the commit under test, so a commit's CI run is the run
 * its author saw, and a new commit explores new cases. Without git (an exported tree) the seed is 0.
 */
export function commitSeed(given: string | undefined, name: string): number {
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given) || Number(given) > 0xffff_ffff) throw new Error(`${name} must be an integer from 0 to 4294967295, not "${given}"`);
    return Number(given);
  }
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return Number.parseInt(head.slice(0, 8), 16) >>> 0;
  } catch {
    return 0;
  }
}
