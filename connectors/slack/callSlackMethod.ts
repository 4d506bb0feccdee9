import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { parseRetryAfter } from '../../lib/connector-sdk/parseRetryAfter.js';
import { requestJson } from '../../lib/connector-sdk/requestJson.js';
import { slackErrorKind } from './slackErrorKind.js';

/**
 * Calls a Slack Web API method: POST https://slack.com/api/<method> with a JSON body (the method
 * pages list application/json next to form encoding; Slack warns about a JSON body sent without a
 * charset) and the token as a bearer header. HTTP-level failures (429 with Retry-After, 5xx,
 * resets) are requestJson's; an HTTP 200 with `ok: false` becomes a ConnectorError of the kind its
 * error string means. The error string goes into the message: it is Slack's code (e.g.
 * "missing_scope"), never the token.
 */
export async function callSlackMethod(
  context: ConnectorContext,
  webApiBaseUrl: string,
  method: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const operation = `slack ${method}`;
  const response = await requestJson(context, {
    method: 'POST',
    url: `${webApiBaseUrl}/${method}`,
    operation,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: args,
  });
  const body = response.body;
  if (typeof body !== 'object' || body === null || typeof (body as { ok?: unknown }).ok !== 'boolean') {
    throw new ConnectorError('unavailable', `${operation}: response without "ok" (HTTP ${response.status})`, { status: response.status });
  }
  const result = body as Record<string, unknown> & { ok: boolean; error?: unknown };
  if (result.ok) return result;
  // Slack's error codes are short snake_case words; anything else is not put in a message.
  const error = typeof result.error === 'string' && /^[a-z0-9_.]{1,64}$/.test(result.error) ? result.error : 'unknown_error';
  const kind = slackErrorKind(error);
  const retryAfterMs = kind === 'rateLimited' ? parseRetryAfter(response.headers) : undefined;
  throw new ConnectorError(kind, `${operation}: ${error}`, {
    status: response.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}
