import { describe, expect, it } from 'vitest';
import { USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM versioning (RFC 7644 §3.14): ETags, If-Match and If-None-Match. */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, createUser, createGroup, patch, expectScimError } = useScimPerimeter();

  describe('ETags and conditional requests', () => {
    it('sends an ETag equal to meta.version on create, read, replace and patch', async () => {
      // Prepare
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName: 'etag@etag.example' } });
      const id = created.body.id;

      // Act
      const read = await perimeter.scim(`/Users/${id}`);
      const replaced = await perimeter.scim(`/Users/${id}`, { method: 'PUT', body: { schemas: [USER], userName: 'etag@etag.example', title: 'One' } });
      const patched = await patch(`/Users/${id}`, [{ op: 'replace', path: 'title', value: 'Two' }]);

      // Assess
      expect([created, read, replaced, patched].map((r) => [r.headers.get('etag'), r.body.meta.version])).toEqual([
        ['W/"1"', 'W/"1"'],
        ['W/"1"', 'W/"1"'],
        ['W/"2"', 'W/"2"'],
        ['W/"3"', 'W/"3"'],
      ]);
    });

    it('answers a stale If-Match on PUT, PATCH and DELETE with 412 and changes nothing', async () => {
      // Prepare
      const user = await createUser({ userName: 'stale@etag.example', title: 'Kept' });
      await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Current' }]);
      const stale = { 'if-match': 'W/"1"' };

      // Act
      const put = await perimeter.scim(`/Users/${user.id}`, { method: 'PUT', headers: stale, body: { schemas: [USER], userName: 'stale@etag.example' } });
      const patched = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Lost update' }], stale);
      const deleted = await perimeter.scim(`/Users/${user.id}`, { method: 'DELETE', headers: stale });
      const stored = await perimeter.stores.directory.getUser(user.id);

      // Assess
      expectScimError(put, 412);
      expectScimError(patched, 412);
      expectScimError(deleted, 412);
      expect(stored).toMatchObject({ version: 2, attributes: expect.objectContaining({ title: 'Current' }) });
    });

    it('applies PUT, PATCH and DELETE when If-Match is current or *', async () => {
      // Prepare
      const user = await createUser({ userName: 'current@etag.example' });

      // Act
      const put = await perimeter.scim(`/Users/${user.id}`, {
        method: 'PUT',
        headers: { 'if-match': 'W/"1"' },
        body: { schemas: [USER], userName: 'current@etag.example', title: 'Put' },
      });
      const patched = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Patched' }], { 'if-match': put.headers.get('etag') ?? '' });
      const star = await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'title', value: 'Star' }], { 'if-match': '*' });
      const deleted = await perimeter.scim(`/Users/${user.id}`, { method: 'DELETE', headers: { 'if-match': 'W/"4"' } });
      const afterDelete = await perimeter.scim(`/Users/${user.id}`);

      // Assess
      expect([put.status, put.body.title, put.headers.get('etag')]).toEqual([200, 'Put', 'W/"2"']);
      expect([patched.status, patched.body.title, patched.headers.get('etag')]).toEqual([200, 'Patched', 'W/"3"']);
      expect([star.status, star.body.title, star.headers.get('etag')]).toEqual([200, 'Star', 'W/"4"']);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expectScimError(afterDelete, 404);
    });

    it('answers If-None-Match with the current ETag with 304 and no body, and a stale one with the resource', async () => {
      // Prepare
      const user = await createUser({ userName: 'cached@etag.example' });

      // Act
      const current = await perimeter.scim(`/Users/${user.id}`, { headers: { 'if-none-match': 'W/"1"' } });
      const stale = await perimeter.scim(`/Users/${user.id}`, { headers: { 'if-none-match': 'W/"0"' } });

      // Assess
      expect(current.status).toBe(304);
      expect(current.body).toBeUndefined();
      expect(current.headers.get('etag')).toBe('W/"1"');
      expect(stale.status).toBe(200);
      expect(stale.body.userName).toBe('cached@etag.example');
    });

    it('applies If-Match to groups as well', async () => {
      // Prepare
      const group = await createGroup({ displayName: 'ETag Group' });

      // Act
      const stale = await patch(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: 'Renamed' }], { 'if-match': 'W/"9"' });
      const current = await patch(`/Groups/${group.id}`, [{ op: 'replace', path: 'displayName', value: 'Renamed' }], { 'if-match': 'W/"1"' });

      // Assess
      expectScimError(stale, 412);
      expect([current.status, current.body.displayName, current.headers.get('etag')]).toEqual([200, 'Renamed', 'W/"2"']);
    });
  });
});
