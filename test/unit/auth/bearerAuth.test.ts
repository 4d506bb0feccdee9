import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { ApiContext } from '../../../lib/http/ApiContext.js';
import { HttpError } from '../../../lib/http/HttpError.js';
import { bearerAuth } from '../../../lib/http/middleware/bearerAuth.js';
import type { TokenVerifier } from '../../../lib/ports/TokenVerifier.js';

const GOOD = 'prm_scim_0123456789abcdef';

function setup(verify: TokenVerifier['verify'] = async (token) => (token === GOOD ? { label: 'okta' } : undefined)) {
  const verifier = { verify: vi.fn(verify) };
  const before = bearerAuth(verifier, 'perimeter-scim').before;
  if (!before) throw new Error('bearerAuth has no before hook');
  const call = async (headers: Record<string, string> | undefined) => {
    const context = {} as ApiContext;
    const request = { event: { headers } as unknown as APIGatewayProxyEventV2, context, response: undefined, error: undefined, internal: {} };
    try {
      await before(request as never);
      return { context, error: undefined };
    } catch (error) {
      return { context, error: error as HttpError };
    }
  };
  return { verifier, call };
}

describe('bearerAuth', () => {
  it.each([
    ['the standard form', { authorization: `Bearer ${GOOD}` }],
    ['a lower-case scheme', { authorization: `bearer ${GOOD}` }],
    ['extra spaces', { authorization: `Bearer   ${GOOD}  ` }],
    ['a capitalised header name', { Authorization: `Bearer ${GOOD}` }],
  ])('accepts a valid token in %s and records the caller', async (_name, headers) => {
    // Prepare
    const { verifier, call } = setup();

    // Act
    const { context, error } = await call(headers);

    // Assess
    expect(error).toBeUndefined();
    expect(context.caller).toEqual({ label: 'okta' });
    expect(verifier.verify).toHaveBeenCalledWith(GOOD);
  });

  it.each([
    ['no headers at all', undefined],
    ['no Authorization header', { 'content-type': 'application/scim+json' }],
    ['another scheme', { authorization: `Basic ${Buffer.from(`u:${GOOD}`).toString('base64')}` }],
    ['the scheme without a token', { authorization: 'Bearer' }],
    ['the token without a scheme', { authorization: GOOD }],
    ['two tokens', { authorization: `Bearer ${GOOD} ${GOOD}` }],
  ])('answers %s with 401 and a plain challenge, without asking the verifier', async (_name, headers) => {
    // Prepare
    const { verifier, call } = setup();

    // Act
    const { context, error } = await call(headers);

    // Assess
    expect(error).toBeInstanceOf(HttpError);
    expect(error?.statusCode).toBe(401);
    expect(error?.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="perimeter-scim"' });
    expect(verifier.verify).not.toHaveBeenCalled();
    expect(context.caller).toBeUndefined();
  });

  it('answers a wrong token with 401 and error="invalid_token"', async () => {
    // Prepare
    const { verifier, call } = setup();

    // Act
    const { context, error } = await call({ authorization: 'Bearer prm_scim_wrong_0123456789' });

    // Assess
    expect(error?.statusCode).toBe(401);
    expect(error?.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="perimeter-scim", error="invalid_token"' });
    expect(error?.message).not.toContain('prm_scim_wrong');
    expect(verifier.verify).toHaveBeenCalledTimes(1);
    expect(context.caller).toBeUndefined();
  });

  it('refuses an oversized token without hashing it', async () => {
    // Prepare
    const { verifier, call } = setup();

    // Act
    const { error } = await call({ authorization: `Bearer ${'a'.repeat(4097)}` });

    // Assess
    expect(error?.statusCode).toBe(401);
    expect(verifier.verify).not.toHaveBeenCalled();
  });

  it('lets a verifier outage through rather than calling it a bad token', async () => {
    // Prepare
    const outage = new Error('Secrets Manager unreachable');
    const { call } = setup(async () => {
      throw outage;
    });

    // Act
    const { error } = await call({ authorization: `Bearer ${GOOD}` });

    // Assess
    expect(error).toBe(outage);
  });

  it('names the default realm when none is given', async () => {
    // Prepare
    const before = bearerAuth({ verify: async () => undefined }).before;

    // Act
    const error = await before?.({ event: { headers: {} }, context: {} } as never).catch((e: unknown) => e);

    // Assess
    expect((error as HttpError).headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="perimeter"' });
  });
});
