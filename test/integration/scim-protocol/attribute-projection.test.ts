import { beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, type Json, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM attributes and excludedAttributes (RFC 7644 §3.4.2.5, §3.9). */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, createUser, createGroup, list, expectScimError } = useScimPerimeter();

  describe('attribute projection', () => {
    let user: Json;

    beforeAll(async () => {
      user = await createUser({
        schemas: [USER, ENTERPRISE],
        userName: 'proj@proj.example',
        externalId: 'proj-1',
        name: { givenName: 'Pro', familyName: 'Jection' },
        emails: [
          { type: 'work', value: 'pro@work.example', primary: true },
          { type: 'home', value: 'pro@home.example' },
        ],
        [ENTERPRISE]: { department: 'Research', manager: { value: 'mgr-1' } },
      });
    });

    it('returns only the requested attributes and sub-attributes, plus id and schemas', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=name.givenName,emails.value,${ENTERPRISE}:department`);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        name: { givenName: 'Pro' },
        emails: [{ value: 'pro@work.example' }, { value: 'pro@home.example' }],
        [ENTERPRISE]: { department: 'Research' },
      });
    });

    it('returns a whole extension when its URN is requested', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=userName,${ENTERPRISE}`);

      // Assess
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        userName: 'proj@proj.example',
        [ENTERPRISE]: { department: 'Research', manager: { value: 'mgr-1' } },
      });
    });

    it('removes excluded attributes and sub-attributes but always returns id', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?excludedAttributes=id,name,emails.value,${ENTERPRISE}:manager,meta`);

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id: user.id,
        externalId: 'proj-1',
        userName: 'proj@proj.example',
        active: true,
        emails: [{ type: 'work', primary: true }, { type: 'home' }],
        [ENTERPRISE]: { department: 'Research' },
      });
    });

    it('returns id even when only other attributes are asked for', async () => {
      // Act
      const reply = await perimeter.scim(`/Users/${user.id}?attributes=externalId`);

      // Assess
      expect(reply.body).toEqual({ schemas: [USER, ENTERPRISE], id: user.id, externalId: 'proj-1' });
    });

    it('projects every resource of a list', async () => {
      // Act
      const reply = await list('Users', { filter: 'userName eq "proj@proj.example"', attributes: 'emails.value,meta.version' });

      // Assess
      expect(reply.body.Resources).toEqual([
        {
          schemas: [USER, ENTERPRISE],
          id: user.id,
          emails: [{ value: 'pro@work.example' }, { value: 'pro@home.example' }],
          meta: { version: 'W/"1"' },
        },
      ]);
    });

    it('projects the derived groups attribute: a sub-attribute excluded, or requested by its URN', async () => {
      // Prepare
      const group = await createGroup({ displayName: 'Projected Group', members: [{ value: user.id }] });
      const expectedGroup = { value: group.id, $ref: `${perimeter.url}/scim/v2/Groups/${group.id}`, type: 'direct' };

      // Act
      const excluded = await perimeter.scim(`/Users/${user.id}?excludedAttributes=groups.display`);
      const byUrn = await perimeter.scim(`/Users/${user.id}?attributes=${USER}:groups.value`);
      const listed = await list('Users', { filter: 'userName eq "proj@proj.example"', excludedAttributes: 'groups.display,emails' });

      // Assess
      expect(excluded.body.groups).toEqual([expectedGroup]);
      expect(byUrn.body).toEqual({ schemas: [USER, ENTERPRISE], id: user.id, groups: [{ value: group.id }] });
      expect(listed.body.Resources[0].groups).toEqual([expectedGroup]);
      expect(listed.body.Resources[0]).not.toHaveProperty('emails');
    });

    it('rejects an unknown attribute in attributes or excludedAttributes with 400 invalidValue', async () => {
      // Act
      const attributes = await perimeter.scim(`/Users/${user.id}?attributes=shoeSize`);
      const excluded = await list('Users', { excludedAttributes: 'emails.colour' });

      // Assess
      expectScimError(attributes, 400, 'invalidValue');
      expectScimError(excluded, 400, 'invalidValue');
    });
  });
});
