import { parseRetryAfter } from '../../lib/connector-sdk/parseRetryAfter.js';

/** GitHub's advice when a secondary limit names no wait: "wait for at least one minute". */
const DEFAULT_WAIT_MS = 60_000;

/**
 * How long to wait when a 403 or 429 from GitHub is a rate limit, or undefined when it is not (a
 * plain 403 is a permission problem). GitHub answers both limits with 403 or 429
 * (docs.github.com, "Rate limits for the REST API", "Exceeding the rate limit"):
 *
 * - secondary limit: `retry-after` in seconds, when present, wins;
 * - primary limit: `x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset` (UTC epoch seconds).
 *   Every GitHub response carries the x-ratelimit-* headers, so a reset time alone proves nothing:
 *   only a remaining count of 0 does;
 * - a secondary limit without either header is told apart by its message ("You have exceeded a
 *   secondary rate limit"); a 429 is a rate limit whatever it says. Both wait a minute.
 */
export function githubRateLimitDelay(status: number, headers: Headers, body: unknown, now: number = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  if (headers.has('retry-after')) {
    const retryAfter = parseRetryAfter(headers, now);
    if (retryAfter !== undefined) return retryAfter;
  }
  if (headers.get('x-ratelimit-remaining')?.trim() === '0') {
    const reset = headers.get('x-ratelimit-reset')?.trim();
    return reset !== undefined && /^\d+$/.test(reset) ? Math.max(0, Number(reset) * 1000 - now) : DEFAULT_WAIT_MS;
  }
  if (status === 429 || mentionsRateLimit(body)) return DEFAULT_WAIT_MS;
  return undefined;
}

function mentionsRateLimit(body: unknown): boolean {
  const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' && /rate limit/i.test(message);
}
