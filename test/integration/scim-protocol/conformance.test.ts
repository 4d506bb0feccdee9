import { describe, expect, it } from 'vitest';
import { ENTERPRISE, USER, useScimPerimeter } from './scimProtocolFixture.js';

// Findings of third-party SCIM conformance suites (scim2-tester, scim-sanity), each against the RFC clause it breaks.
describe('SCIM conformance findings', () => {
  const { perimeter, createUser, patch, expectScimError } = useScimPerimeter();

  it('always returns schemas, even when excludedAttributes names it (RFC 7643 §3: returned "always")', async () => {
    const user = await createUser({ userName: 'schemas@example.com' });
    const byId = await perimeter.scim(`/Users/${user.id}?excludedAttributes=schemas`);
    const listed = await perimeter.scim(`/Users?filter=${encodeURIComponent('userName eq "schemas@example.com"')}&excludedAttributes=schemas`);
    expect(byId.body.schemas).toEqual([USER]);
    expect(listed.body.Resources[0].schemas).toEqual([USER]);
  });

  it('accepts roles, x509Certificates and emails of any type (RFC 7643 §4.1.2: canonical values are suggestions)', async () => {
    const reply = await perimeter.scim('/Users', {
      method: 'POST',
      body: {
        schemas: [USER],
        userName: 'types@example.com',
        emails: [{ value: 'types@example.com', type: 'work', primary: true }, { value: 'alias@example.com', type: 'alias' }],
        roles: [{ value: 'auditor', type: 'custom' }],
        x509Certificates: [{ value: 'MIIBIjANBgkq', type: 'signing' }],
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.emails.map((e: { type: string }) => e.type)).toEqual(['work', 'alias']);
    expect(reply.body.roles).toEqual([{ value: 'auditor', type: 'custom' }]);
  });

  it('refuses a PATCH of read-only attributes with 400 mutability (RFC 7644 §3.5.2)', async () => {
    const user = await createUser({ userName: 'readonly@example.com' });
    expectScimError(await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'groups', value: [{ value: 'g1' }] }]), 400, 'mutability');
    expectScimError(await patch(`/Users/${user.id}`, [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }]), 400, 'mutability');
    expect((await perimeter.scim(`/Users/${user.id}`)).body.meta.version).toBe(user.meta.version);
  });

  it('removing active from an inactive user leaves it inactive (RFC 7644 §3.5.2.2: unassigned, and active has no default here)', async () => {
    const user = await createUser({ userName: 'inactive@example.com', active: false });
    const reply = await patch(`/Users/${user.id}`, [{ op: 'remove', path: 'active' }]);
    expect(reply.status).toBe(200);
    expect(reply.body.active).not.toBe(true);
  });

  it('removes the whole enterprise extension by its URN, without a JavaScript message in any error', async () => {
    const user = await createUser({ userName: 'ext@example.com', [ENTERPRISE]: { department: 'Sales' } });
    const reply = await patch(`/Users/${user.id}`, [{ op: 'remove', path: ENTERPRISE }]);
    expect(reply.status).toBe(200);
    expect(reply.body[ENTERPRISE]).toBeUndefined();
  });
});
