import type { ConnectorErrorKind } from '../../lib/connector-sdk/ConnectorError.js';

/**
 * The `errors[].reason` values that mean "slow down" in the Directory API's limits page
 * (developers.google.com/workspace/admin/directory/v1/limits): 403 userRateLimitExceeded (per-user
 * queries per minute), 403 quotaExceeded (concurrent requests for an operation) and 429
 * rateLimitExceeded (per account). Google's shared error catalogue also sends rateLimitExceeded with
 * 403, so the reason decides, not the status. dailyLimitExceeded is left out on purpose: Google says
 * not to retry it until the quota is raised.
 */
const RATE_LIMIT_REASONS: ReadonlySet<string> = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

/**
 * Reads Google's error body, `{"error": {"code", "message", "errors": [{"domain", "reason",
 * "message"}], "status"}}`, for the one case its status misleads: a 403 that is a rate limit, which
 * the engine must back off from and retry rather than dead-letter as a credential problem.
 */
export function classifyGoogleError(status: number, body: unknown): ConnectorErrorKind | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const errors = (body as { error?: { errors?: unknown } } | undefined)?.error?.errors;
  if (!Array.isArray(errors)) return undefined;
  const limited = errors.some((entry) => RATE_LIMIT_REASONS.has(String((entry as { reason?: unknown } | null)?.reason)));
  return limited ? 'rateLimited' : undefined;
}
