import { describe, expect, it } from 'vitest';
import { TEST_SCIM_TOKEN } from '../../support/startTestPerimeter.js';
import { ENTERPRISE, GROUP, type Json, LIST_RESPONSE, USER, useScimPerimeter } from './scimProtocolFixture.js';

/** SCIM discovery: ServiceProviderConfig, ResourceTypes, Schemas and meta.location (RFC 7644 §4). */
describe('SCIM 2.0 protocol (RFC 7643 / RFC 7644) over HTTP', () => {
  const { perimeter, expectScimError, rawRequest } = useScimPerimeter();

  describe('discovery', () => {
    it('serves ServiceProviderConfig with the features this server implements', async () => {
      // Act
      const reply = await perimeter.scim('/ServiceProviderConfig');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
      expect(reply.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
        meta: { resourceType: 'ServiceProviderConfig', location: `${perimeter.url}/scim/v2/ServiceProviderConfig` },
      });
      expect(reply.body.authenticationSchemes).toEqual([expect.objectContaining({ type: 'oauthbearertoken', name: 'OAuth Bearer Token' })]);
    });

    it('lists the User and Group resource types, User with the optional enterprise extension', async () => {
      // Act
      const reply = await perimeter.scim('/ResourceTypes');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.schemas).toEqual([LIST_RESPONSE]);
      expect(reply.body.totalResults).toBe(2);
      expect(reply.body.itemsPerPage).toBe(2);
      expect(reply.body.Resources).toEqual([
        expect.objectContaining({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
          id: 'User',
          name: 'User',
          endpoint: '/Users',
          schema: USER,
          schemaExtensions: [{ schema: ENTERPRISE, required: false }],
          meta: { resourceType: 'ResourceType', location: `${perimeter.url}/scim/v2/ResourceTypes/User` },
        }),
        expect.objectContaining({
          id: 'Group',
          name: 'Group',
          endpoint: '/Groups',
          schema: GROUP,
          meta: { resourceType: 'ResourceType', location: `${perimeter.url}/scim/v2/ResourceTypes/Group` },
        }),
      ]);
    });

    it('serves one resource type by id, and 404 for an unknown one', async () => {
      // Act
      const user = await perimeter.scim('/ResourceTypes/User');
      const unknown = await perimeter.scim('/ResourceTypes/Device');

      // Assess
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: ENTERPRISE, required: false }] });
      expectScimError(unknown, 404);
    });

    it('lists the core User, enterprise extension and Group schemas with their attribute characteristics', async () => {
      // Act
      const reply = await perimeter.scim('/Schemas');

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.schemas).toEqual([LIST_RESPONSE]);
      expect(reply.body.totalResults).toBe(3);
      expect(reply.body.itemsPerPage).toBe(3);
      const byId = new Map<string, Json>(reply.body.Resources.map((schema: Json) => [schema.id, schema]));
      expect([...byId.keys()].sort()).toEqual([GROUP, USER, ENTERPRISE].sort());
      const attribute = (schemaId: string, name: string): Json => byId.get(schemaId).attributes.find((a: Json) => a.name === name);
      expect(byId.get(USER)).toMatchObject({ name: 'User', meta: { resourceType: 'Schema', location: `${perimeter.url}/scim/v2/Schemas/${USER}` } });
      expect(attribute(USER, 'userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server' });
      expect(attribute(USER, 'groups')).toMatchObject({ multiValued: true, mutability: 'readOnly' });
      expect(attribute(USER, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
      expect(byId.get(ENTERPRISE)).toMatchObject({ name: 'EnterpriseUser' });
      expect(attribute(ENTERPRISE, 'manager')).toMatchObject({ type: 'complex' });
      expect(attribute(ENTERPRISE, 'department')).toMatchObject({ type: 'string' });
      expect(byId.get(GROUP)).toMatchObject({ name: 'Group' });
      expect(attribute(GROUP, 'displayName')).toMatchObject({ type: 'string', required: true });
      expect(attribute(GROUP, 'members')).toMatchObject({ type: 'complex', multiValued: true });
    });

    it('serves each schema by its URN, and 404 for an unknown one', async () => {
      // Act
      const replies = await Promise.all([USER, ENTERPRISE, GROUP].map((id) => perimeter.scim(`/Schemas/${id}`)));
      const unknown = await perimeter.scim('/Schemas/urn:example:unknown');

      // Assess
      expect(replies.map((r) => [r.status, r.body.id])).toEqual([
        [200, USER],
        [200, ENTERPRISE],
        [200, GROUP],
      ]);
      expectScimError(unknown, 404);
    });

    it('renders meta.location as an absolute URL on the host and scheme the request came in on', async () => {
      // Prepare
      const headers = { authorization: `Bearer ${TEST_SCIM_TOKEN}`, host: 'scim.example.test:8443', 'x-forwarded-proto': 'https' };

      // Act
      const resourceType = await rawRequest('/ResourceTypes/User', headers);
      const schema = await rawRequest(`/Schemas/${GROUP}`, headers);
      const config = await rawRequest('/ServiceProviderConfig', headers);

      // Assess
      expect(resourceType.body.meta.location).toBe('https://scim.example.test:8443/scim/v2/ResourceTypes/User');
      expect(schema.body.meta.location).toBe(`https://scim.example.test:8443/scim/v2/Schemas/${GROUP}`);
      expect(config.body.meta.location).toBe('https://scim.example.test:8443/scim/v2/ServiceProviderConfig');
    });

    it('renders meta.location and the Location header of a created user on the request host', async () => {
      // Prepare
      const body = JSON.stringify({ schemas: [USER], userName: 'located@discovery.example' });

      // Act
      const created = await rawRequest(
        '/Users',
        { authorization: `Bearer ${TEST_SCIM_TOKEN}`, host: 'idp-facing.example.test', 'content-type': 'application/scim+json' },
        'POST',
        body,
      );

      // Assess
      expect(created.status).toBe(201);
      const expected = `http://idp-facing.example.test/scim/v2/Users/${created.body.id}`;
      expect(created.body.meta.location).toBe(expected);
      expect(created.headers.location).toBe(expected);
    });
  });
});
