import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

describe('SCIM smoke', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('creates, reads, patches, lists and deletes a user and a group', async () => {
    // Prepare
    const created = await perimeter.scim('/Users', {
      method: 'POST',
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'smoke@example.com', active: true },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const group = await perimeter.scim('/Groups', {
      method: 'POST',
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: id }] },
    });
    expect(group.status).toBe(201);

    // Act
    const patched = await perimeter.scim(`/Users/${id}`, {
      method: 'PATCH',
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    const fetched = await perimeter.scim(`/Users/${id}`);
    const deleted = await perimeter.scim(`/Users/${id}`, { method: 'DELETE' });
    const afterDelete = await perimeter.scim(`/Users/${id}`);
    const chain = await perimeter.stores.ledger.chain(`person#${id}`);

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);
    expect(fetched.body.groups).toEqual([expect.objectContaining({ value: group.body.id, display: 'Engineering' })]);
    expect(deleted.status).toBe(204);
    expect(afterDelete.status).toBe(404);
    expect(chain.map((e) => e.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover', 'lifecycle.leaver', 'lifecycle.leaver']);
  });
});
