import { describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, scimResponse } from '../../../../functions/scim/scimResponse.js';

/** A group read with members, as large as `bytes`. */
const groupOf = (bytes: number): unknown => ({ id: 'g1', members: [{ value: 'x'.repeat(bytes) }] });

describe('scimResponse', () => {
  it('answers a read past the response limit with 400 tooMany and the way out, not a 502 from API Gateway', () => {
    const answer = scimResponse(200, groupOf(MAX_RESPONSE_BYTES), { etag: 'W/"3"' });
    expect(answer.statusCode).toBe(400);
    const body = JSON.parse(String(answer.body)) as { scimType: string; detail: string };
    expect(body.scimType).toBe('tooMany');
    expect(body.detail).toMatch(/excludedAttributes=members/);
  });

  it('answers a write past the limit without its body, since the write has happened', () => {
    expect(scimResponse(200, groupOf(MAX_RESPONSE_BYTES), { etag: 'W/"3"' }, true)).toEqual({ statusCode: 204, headers: { etag: 'W/"3"' } });
    expect(scimResponse(201, groupOf(MAX_RESPONSE_BYTES), { etag: 'W/"1"', location: 'https://x/Groups/g1' }, true)).toEqual({ statusCode: 201, headers: { etag: 'W/"1"', location: 'https://x/Groups/g1' } });
  });

  it('passes answers within the limit through as they are', () => {
    const answer = scimResponse(200, groupOf(1000), { etag: 'W/"3"' });
    expect(answer).toMatchObject({ statusCode: 200, headers: { etag: 'W/"3"' } });
    expect(JSON.parse(String(answer.body))).toEqual(groupOf(1000));
  });
});
