import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { type JsonRequest, type JsonResponse, requestJson } from '../../lib/connector-sdk/requestJson.js';
import { githubRateLimitDelay } from './githubRateLimitDelay.js';

/**
 * The headers GitHub documents for every REST call: its media type, the API version this connector
 * was written against (GitHub answers 400 to a version it does not know, rather than silently
 * changing behaviour), and a User-Agent (GitHub rejects requests without one). Lower-case, because
 * requestJson spreads them over its own `accept` default.
 */
const GITHUB_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'perimeter-github-connector',
};

const LIMIT_STATUSES = [403, 429] as const;

/**
 * requestJson with GitHub's headers and GitHub's rate limits. GitHub signals a limit with 403 as
 * often as with 429, and tells it apart from a permission error only by its headers and message, so
 * 403 and 429 are taken as answers here and sorted out: a rate limit becomes a retryable
 * `rateLimited` error with its wait, any other 403 a non-retryable `auth` error.
 */
export async function githubRequest<T = unknown>(context: ConnectorContext, request: JsonRequest): Promise<JsonResponse<T>> {
  const accept = [...(request.accept ?? []), ...LIMIT_STATUSES];
  let response: JsonResponse<T>;
  try {
    response = await requestJson<T>(context, { ...request, headers: { ...GITHUB_HEADERS, ...request.headers }, accept });
  } catch (error) {
    // A 403 or 429 whose body is not JSON (a proxy's page) still means what its status says.
    if (error instanceof ConnectorError && error.kind === 'unavailable' && (error.status === 403 || error.status === 429)) {
      throw limitOrForbidden(request.operation, error.status, new Headers(), undefined, error);
    }
    throw error;
  }
  if ((response.status === 403 || response.status === 429) && !request.accept?.includes(response.status)) {
    throw limitOrForbidden(request.operation, response.status, response.headers, response.body);
  }
  return response;
}

function limitOrForbidden(operation: string, status: number, headers: Headers, body: unknown, cause?: unknown): ConnectorError {
  const retryAfterMs = githubRateLimitDelay(status, headers, body);
  const options = cause === undefined ? { status } : { status, cause };
  if (retryAfterMs === undefined) return new ConnectorError('auth', `${operation}: HTTP ${status}`, options);
  return new ConnectorError('rateLimited', `${operation}: HTTP ${status} (rate limited)`, { ...options, retryAfterMs });
}
