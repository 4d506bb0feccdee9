import type { ConnectorErrorKind } from '../../lib/connector-sdk/ConnectorError.js';

/** Errors meaning the token is wrong, gone or short of a scope or role: retrying will not help. */
const AUTH = new Set([
  'not_authed',
  'invalid_auth',
  'missing_scope',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'not_an_admin',
  'not_allowed_token_type',
  'org_login_required',
  'ekm_access_denied',
  'access_denied',
]);

/** Errors Slack documents as transient ("likely due to a transient issue on our end"). */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * The ConnectorError kind of a Web API `{"ok": false, "error": "..."}` answer. Slack sends those
 * with HTTP 200 (docs.slack.dev/apis/web-api: "Callers should always check the value of the ok
 * params"), so the status says nothing and the error string is all there is.
 */
export function slackErrorKind(error: string): ConnectorErrorKind {
  if (error === 'ratelimited' || error === 'rate_limited') return 'rateLimited';
  if (AUTH.has(error)) return 'auth';
  if (TRANSIENT.has(error)) return 'unavailable';
  if (error === 'user_not_found' || error === 'users_not_found') return 'notFound';
  return 'rejected';
}
