import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_SCIM_TOKEN } from '../../support/startTestPerimeter.js';
import { ERROR, GROUP, type Json, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM authentication (RFC 7644 §2): Bearer challenges, and no write without a valid token. */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, createUser, patch, list, rawRequest } = useScimPerimeter();

  describe('authentication', () => {
    let victim: Json;
    let ledgerBefore: number;

    beforeAll(async () => {
      victim = await createUser({ userName: 'victim@auth.example', title: 'Untouched' });
      ledgerBefore = (await perimeter.stores.ledger.chain(`person#${victim.id}`)).length;
    });

    const expectChallenge = (reply: { status: number; body: Json }, challenge: string | null | undefined): void => {
      expect(reply.status).toBe(401);
      expect(challenge).toMatch(/^Bearer realm="[^"]+"/);
      expect(reply.body).toEqual({ schemas: [ERROR], status: '401', detail: expect.any(String) });
    };

    it('answers a request without an Authorization header with 401 and a Bearer challenge', async () => {
      // Act
      const reply = await rawRequest('/Users', {});

      // Assess
      expectChallenge(reply, String(reply.headers['www-authenticate']));
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="perimeter-scim"');
    });

    it('answers another scheme with 401 and a Bearer challenge', async () => {
      // Act
      const reply = await perimeter.scim('/Users', { headers: { authorization: `Basic ${Buffer.from(`scim:${TEST_SCIM_TOKEN}`).toString('base64')}` } });

      // Assess
      expectChallenge(reply, reply.headers.get('www-authenticate'));
    });

    it('answers a wrong token with 401, a Bearer challenge and invalid_token', async () => {
      // Act
      const reply = await perimeter.scim('/Users', { headers: { authorization: 'Bearer not-the-token-0123456789' } });

      // Assess
      expectChallenge(reply, reply.headers.get('www-authenticate'));
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="perimeter-scim", error="invalid_token"');
    });

    it('writes nothing for unauthenticated POST, PUT, PATCH and DELETE', async () => {
      // Prepare
      const wrong = { authorization: 'Bearer not-the-token-0123456789' };
      const usersBefore = (await perimeter.stores.directory.listUsers()).length;

      // Act
      const replies = [
        await perimeter.scim('/Users', { method: 'POST', headers: wrong, body: { schemas: [USER], userName: 'intruder@auth.example' } }),
        await rawRequest('/Users', { 'content-type': 'application/scim+json' }, 'POST', JSON.stringify({ schemas: [USER], userName: 'intruder@auth.example' })),
        await rawRequest(`/Users/${victim.id}`, { 'content-type': 'application/scim+json' }, 'PUT', JSON.stringify({ schemas: [USER], userName: 'owned@auth.example' })),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'PUT', headers: wrong, body: { schemas: [USER], userName: 'owned@auth.example' } }),
        await patch(`/Users/${victim.id}`, [{ op: 'replace', path: 'active', value: false }], wrong),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'DELETE', headers: { authorization: 'Basic Zm9vOmJhcg==' } }),
        await perimeter.scim(`/Users/${victim.id}`, { method: 'DELETE', headers: wrong }),
        await perimeter.scim('/Groups', { method: 'POST', headers: wrong, body: { schemas: [GROUP], displayName: 'Intruders', members: [{ value: victim.id }] } }),
      ];
      const stored = await perimeter.stores.directory.getUser(victim.id);
      const usersAfter = (await perimeter.stores.directory.listUsers()).length;
      const ledgerAfter = (await perimeter.stores.ledger.chain(`person#${victim.id}`)).length;
      const intruders = await list('Groups', { filter: 'displayName eq "Intruders"' });

      // Assess
      expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
      expect(stored).toMatchObject({ userName: 'victim@auth.example', active: true, version: 1, attributes: expect.objectContaining({ title: 'Untouched' }) });
      expect(usersAfter).toBe(usersBefore);
      expect(ledgerAfter).toBe(ledgerBefore);
      expect(await perimeter.stores.directory.findUserByUserName('intruder@auth.example')).toBeUndefined();
      expect(intruders.body.totalResults).toBe(0);
    });
  });
});
