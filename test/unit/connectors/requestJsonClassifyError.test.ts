import { describe, expect, it, vi } from 'vitest';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import { requestJson } from '../../../lib/connector-sdk/requestJson.js';
import { rejection } from '../../support/rejection.js';

/** A context whose fetch answers once with this status, body and headers. */
function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const fetchStub = vi.fn(async () => new Response(body, { status, headers }));
  return { fetchStub, context: { accessToken: async () => 'token', fetch: fetchStub as unknown as typeof fetch } };
}

const failure = (promise: Promise<unknown>): Promise<ConnectorError> => rejection(promise, ConnectorError);

describe('requestJson classifyError', () => {
  it("lets the vendor's body turn a 403 into a rate limit that keeps Retry-After", async () => {
    // Prepare
    const { context } = answering(403, '{"error":{"errors":[{"reason":"userRateLimitExceeded"}]}}', { 'retry-after': '4' });
    const classifyError = vi.fn(() => 'rateLimited' as const);

    // Act
    const error = await failure(requestJson(context, { method: 'GET', url: 'https://vendor.test/x', operation: 'vendor x', classifyError }));

    // Assess
    expect(classifyError).toHaveBeenCalledWith(403, { error: { errors: [{ reason: 'userRateLimitExceeded' }] } });
    expect(error).toMatchObject({ kind: 'rateLimited', retryable: true, status: 403, retryAfterMs: 4000, message: 'vendor x: HTTP 403' });
  });

  it('keeps the status kind when the hook answers undefined, and hands it undefined for a body that is not JSON', async () => {
    // Prepare
    const { context } = answering(403, '<html>Forbidden</html>');
    const classifyError = vi.fn(() => undefined);

    // Act
    const error = await failure(requestJson(context, { method: 'GET', url: 'https://vendor.test/x', operation: 'vendor x', classifyError }));

    // Assess
    expect(classifyError).toHaveBeenCalledWith(403, undefined);
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(error.message).not.toContain('Forbidden');
  });

  it('is not consulted for answers that are not errors', async () => {
    // Prepare
    const { context } = answering(404, '{"error":"gone"}');
    const classifyError = vi.fn(() => 'rateLimited' as const);

    // Act
    const response = await requestJson(context, { method: 'GET', url: 'https://vendor.test/x', operation: 'vendor x', accept: [404], classifyError });

    // Assess
    expect(response.status).toBe(404);
    expect(classifyError).not.toHaveBeenCalled();
  });
});
