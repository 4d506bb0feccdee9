/**
 * Retry-After per RFC 9110 §10.2.3: delay-seconds or an HTTP-date. Returns milliseconds, or
 * undefined when absent or unreadable. Some vendors (GitHub) send x-ratelimit-reset instead, an
 * epoch in seconds; callers pass that as the fallback.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (value !== null) {
    if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset.trim()) * 1000 - now);
  return undefined;
}
