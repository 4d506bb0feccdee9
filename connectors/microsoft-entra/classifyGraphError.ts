import type { ConnectorErrorKind } from '../../lib/connector-sdk/ConnectorError.js';

/**
 * Reads Graph's error body, `{"error": {"code", "message", "innerError": {...}}}`, for the answers
 * whose status misleads. Graph says "already there" with 400 Request_BadRequest rather than 409:
 * "One or more added object references already exist for the following modified properties:
 * 'members'." when adding a member twice (learn.microsoft.com, "Add members": "400 Bad Request
 * response code when the object is already a member of the group"), and "Another object with the
 * same value for property userPrincipalName already exists." when creating a user twice. Both become
 * `conflict`, which callers that can treat them as done do; any other 400 stays `rejected`.
 */
export function classifyGraphError(status: number, body: unknown): ConnectorErrorKind | undefined {
  if (status !== 400) return undefined;
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' && /\balready exists?\b/i.test(message) ? 'conflict' : undefined;
}
