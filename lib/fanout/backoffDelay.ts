const BASE_MS = 1_000;
const CAP_MS = 15 * 60_000;

/**
 * Exponential back-off with "equal jitter" (half fixed, half random, so retries from many steps
 * spread out but never retry at once), never sooner than the vendor's Retry-After.
 */
export function backoffDelay(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.ceil(Math.max(jittered, retryAfterMs ?? 0));
}
