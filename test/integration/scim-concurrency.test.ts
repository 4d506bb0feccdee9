import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Concurrent writers to one person take turns inside Perimeter: no lost update, no 409 but uniqueness. */
describe('SCIM writers racing on one user', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('applies 20 concurrent PATCHes of one user, each kept, none answered 409', async () => {
    // Prepare
    const id = (await perimeter.scim('/Users', { method: 'POST', body: { userName: 'busy@example.com' } })).body.id as string;

    // Act: each adds its own phone number
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        perimeter.scim(`/Users/${id}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'add', path: 'phoneNumbers', value: [{ value: `+1555000${String(n).padStart(4, '0')}`, type: 'work' }] }] } }),
      ),
    );
    const user = (await perimeter.scim(`/Users/${id}`)).body;
    const kept = new Set((user.phoneNumbers ?? []).map((p: { value: string }) => p.value));

    // Assess: every answer is a success or a "busy, retry" (503 + Retry-After), and every success is kept
    expect(replies.filter((r) => r.status === 409)).toEqual([]);
    expect(replies.every((r) => r.status === 200 || (r.status === 503 && r.headers.get('retry-after') === '1'))).toBe(true);
    const acknowledged = replies.map((r, n) => (r.status === 200 ? `+1555000${String(n).padStart(4, '0')}` : undefined)).filter(Boolean);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const number of acknowledged) expect(kept.has(number)).toBe(true);
    expect(user.meta.version).toBe(`W/"${1 + acknowledged.length}"`);
  });
});
