import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Each look-alike of jane.doe@example.com README "Identifiers" names, and the answer it gets. */
const LOOKALIKES: readonly [string, string, 400 | 409][] = [
  ['fullwidth letters', '\uFF4A\uFF41\uFF4E\uFF45.doe@example.com', 409],
  ['upper case', 'Jane.Doe@Example.COM', 409],
  ['a zero-width space', 'jane.\u200Bdoe@example.com', 400],
  ['a soft hyphen', 'jane.do\u00ADe@example.com', 400],
  ['a leading space', ' jane.doe@example.com', 400],
  ['a trailing space', 'jane.doe@example.com ', 400],
  ['NUL', 'jane.doe\u0000@example.com', 400],
  ['mathematical bold letters', '\u{1D423}\u{1D41A}\u{1D427}\u{1D41E}.doe@example.com', 400],
  ['a Cyrillic letter in the Latin name', 'j\u0430ne.doe@example.com', 409],
  ['a zero for an o', 'jane.d0e@example.com', 409],
];

describe('SCIM: userNames are canonical and look-alikes are refused (README "Identifiers")', () => {
  let perimeter: TestPerimeter;
  let janeId: string;
  let otherId: string;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
    const jane = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'jane.doe@example.com' } });
    const other = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'other@example.com' } });
    expect([jane.status, other.status]).toEqual([201, 201]);
    janeId = jane.body.id as string;
    otherId = other.body.id as string;
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const expectRefusal = (reply: { status: number; body: Record<string, unknown> }, status: 400 | 409): void => {
    expect(reply.status).toBe(status);
    expect(reply.body.scimType).toBe(status === 400 ? 'invalidValue' : 'uniqueness');
    // The detail names the rule, never the raw control or invisible character.
    expect(/[\p{Cc}\p{Cf}]/u.test(String(reply.body.detail))).toBe(false);
  };

  it.each(LOOKALIKES)('refuses a PUT and a PATCH renaming another user to %s, changing nothing', async (_what, userName, status) => {
    // Act
    const put = await perimeter.scim(`/Users/${otherId}`, { method: 'PUT', body: { schemas: [USER_SCHEMA], userName } });
    const patch = await perimeter.scim(`/Users/${otherId}`, { method: 'PATCH', body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: userName }] } });

    // Assess
    expectRefusal(put, status);
    expectRefusal(patch, status);
    expect((await perimeter.stores.directory.getUser(otherId))?.userName).toBe('other@example.com');
  });

  it.each(LOOKALIKES)('refuses a POST with %s, and jane stays the only person of that name', async (_what, userName, status) => {
    // Act
    const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName } });

    // Assess
    expectRefusal(reply, status);
    const users = await perimeter.stores.directory.listUsers();
    expect(users.map((user) => user.id).sort()).toEqual([janeId, otherId].sort());
  });

  it('names the broken rule in the detail', async () => {
    const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'ann\u0000@example.com' } });
    expect(reply.body.detail).toBe("Attribute 'userName' contains a control character, U+0000");
  });

  it('keeps the userName as the client sent it, inner spaces too, and finds it by any spelling of its canonical form', async () => {
    // Prepare: single inner spaces are allowed, as some identity providers send "Jane Q Public"
    const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'Grace Hopper@Example.com' } });

    // Act
    const found = await perimeter.scim(`/Users?filter=${encodeURIComponent('userName eq "\uFF27RACE\u3000hopper@example.com"')}`);

    // Assess
    expect(created.body.userName).toBe('Grace Hopper@Example.com');
    expect(found.body.totalResults).toBe(1);
    expect((found.body.Resources as { id: string }[])[0]?.id).toBe(created.body.id);
  });
});
