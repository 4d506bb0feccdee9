import { waitUntil } from './waitUntil.js';

/**
 * Waits until the wall clock reads a later millisecond than `instant` (a later second with
 * `unitMs` 1_000), so whatever happens next is stamped strictly after it. For tests that need two
 * timestamps to differ: it returns as soon as they must, where a fixed sleep is either too short on a
 * loaded machine or longer than needed.
 */
export async function untilClockPasses(instant: string | number, unitMs = 1): Promise<void> {
  const at = typeof instant === 'string' ? Date.parse(instant) : instant;
  if (Number.isNaN(at)) throw new Error(`not an instant: ${String(instant)}`);
  const slot = Math.floor(at / unitMs);
  await waitUntil(() => Math.floor(Date.now() / unitMs) > slot, 5_000 + unitMs, `the clock to pass ${new Date(at).toISOString()}`);
}
