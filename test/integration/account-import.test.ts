import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { MemoryApp, memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Issue 11 item 2: a crm that already has accounts is connected. The import report matches them to
 * people by the connector's correlation rules over HTTP, and creates, links and changes nothing.
 */
describe('importing an app that already has accounts (POST /admin/connectors/{id}/import)', () => {
  const apps = new Map<string, MemoryApp>();
  const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
  const ids: Record<string, string> = {};
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    // Prepare: the app's accounts exist before Perimeter knows the app
    const crm = new MemoryApp();
    const seed = (accountId: string, userName: string, email: string): void => {
      crm.accounts.set(accountId, { account: { accountId, userName, email, active: true, entitlements: [] }, deleted: false });
    };
    seed('A1', 'ada-crm', 'ＡＤＡ@Example.com'); // fullwidth and upper case: Ada's address
    seed('A2', 'kate-crm', '\u212Aate@example.com'); // KELVIN SIGN: looks like Kate's, is not
    seed('A3', 'shared-crm', 'shared@example.com'); // two people list this address
    seed('A4', 'nobody-crm', 'nobody@example.com');
    apps.set('crm', crm);
    const config = parsePerimeterConfig({ connectors: [{ id: 'crm', type: 'memory', correlation: ['email', 'userName'] }], policy: { rules: [] } }, 'test');
    perimeter = await startTestPerimeter({ config, registry });
    const join = async (key: string, userName: string, email: string): Promise<void> => {
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName, emails: [{ value: email, primary: true }] } });
      expect(created.status).toBe(201);
      ids[key] = String(created.body.id);
    };
    await join('ada', 'ada@example.com', 'ada@example.com');
    await join('kate', 'kate@example.com', 'kate@example.com');
    await join('twin1', 'twin1@example.com', 'shared@example.com');
    await join('twin2', 'twin2@example.com', 'Shared@example.com');
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('answers linked, ambiguous and unmatched accounts and changes nothing', async () => {
    // Act
    const reply = await perimeter.admin('/connectors/crm/import', { method: 'POST' });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      app: 'crm',
      accounts: 4,
      linked: [{ accountId: 'A1', personId: ids.ada, rule: 'email' }],
      ambiguous: [{ accountId: 'A3', candidates: [ids.twin1, ids.twin2].sort(), reason: 'matches several people' }],
      alreadyLinked: [],
    });
    expect((reply.body.unmatched as { accountId: string }[]).map((a) => a.accountId)).toEqual(['A2', 'A4']);
    expect(apps.get('crm')?.calls).toEqual([]);
    expect(await perimeter.stores.access.listActualByApp('crm')).toEqual([]);
    expect(await perimeter.stores.access.accountHolder('crm', 'A1')).toBeUndefined();
  });

  it('refuses an unknown connector with a JSON 404', async () => {
    const reply = await perimeter.admin('/connectors/nope/import', { method: 'POST' });
    expect(reply.status).toBe(404);
    expect(JSON.stringify(reply.body)).toContain('nope');
  });
});
