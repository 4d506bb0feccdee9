import { ConnectorError, type ConnectorErrorKind } from './ConnectorError.js';
import type { ConnectorContext } from './ConnectorContext.js';
import { parseRetryAfter } from './parseRetryAfter.js';

export interface JsonRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  /** Body already encoded (form posts to token endpoints). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Statuses that are answers, not errors (e.g. 404 for "find"); returned with a parsed body. */
  readonly accept?: readonly number[];
  /** Send no Authorization header (token endpoints authenticate otherwise). */
  readonly anonymous?: boolean;
  /** Names the call in error messages, e.g. "slack users.list". */
  readonly operation: string;
  /**
   * Reads a failed response's parsed body (undefined when not JSON) when its status alone misleads,
   * e.g. Google answers some rate limits with 403 and says so only in `errors[].reason`. Returns the
   * kind to use instead of the status's, or undefined to keep it. The body never reaches the error.
   */
  readonly classifyError?: (status: number, body: unknown) => ConnectorErrorKind | undefined;
}

export interface JsonResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * One HTTP call to a vendor API with the engine's rules: bearer auth, a timeout, and every failure
 * turned into a ConnectorError of the right kind (429 with its Retry-After, 5xx, resets and
 * malformed bodies as retryable). Error messages carry the operation and status only.
 */
export async function requestJson<T = unknown>(context: ConnectorContext, request: JsonRequest): Promise<JsonResponse<T>> {
  const doFetch = context.fetch ?? fetch;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (!request.anonymous) headers.authorization ??= `Bearer ${await context.accessToken()}`;
  let body: string | undefined = request.rawBody;
  if (body === undefined && request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] ??= 'application/json';
  }
  let response: Response;
  try {
    response = await doFetch(request.url, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(context.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ConnectorError(timedOut ? 'timeout' : 'unavailable', `${request.operation}: ${timedOut ? 'timed out' : 'network error'}`, {
      cause: error,
    });
  }
  const accepted = response.ok || (request.accept ?? []).includes(response.status);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ConnectorError('unavailable', `${request.operation}: connection lost while reading the response`, { cause: error });
  }
  if (!accepted) {
    const kind = request.classifyError?.(response.status, parseOrUndefined(text)) ?? kindOf(response.status);
    throw new ConnectorError(kind, `${request.operation}: HTTP ${response.status}`, {
      status: response.status,
      ...(kind === 'rateLimited' || response.status === 503 ? withRetryAfter(parseRetryAfter(response.headers)) : {}),
    });
  }
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (error) {
    throw new ConnectorError('unavailable', `${request.operation}: malformed JSON in HTTP ${response.status} response`, {
      status: response.status,
      cause: error,
    });
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

function parseOrUndefined(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withRetryAfter(retryAfterMs: number | undefined): { retryAfterMs?: number } {
  return retryAfterMs === undefined ? {} : { retryAfterMs };
}

function kindOf(status: number): ConnectorErrorKind {
  if (status === 429) return 'rateLimited';
  if (status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  return 'rejected';
}
