import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { MemoryApp } from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** Jane joined before crm and its rule existed; applying her plan gives her the account, and only her. */
describe('provision on demand (POST /admin/persons/{id}/apply)', () => {
  const apps = new Map<string, MemoryApp>();
  const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
  let dataDir: string;
  let janeId: string;
  let perimeter: TestPerimeter;

  /** The configuration before (chat for everyone) and after the operator adds crm and its rule. */
  const configured = (withCrm: boolean) => {
    const apps = withCrm ? ['chat', 'crm'] : ['chat'];
    const rules = apps.map((app) => ({ id: `everyone-${app}`, when: {}, grant: [{ app, ...(app === 'crm' ? { entitlements: ['role:user'] } : {}) }] }));
    return parsePerimeterConfig({ connectors: apps.map((id) => ({ id, type: 'memory' })), policy: { rules } }, 'test');
  };

  beforeAll(async () => {
    // Prepare: Jane and Omar join before crm exists; then the operator configures it and restarts
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-apply-'));
    const first = await startTestPerimeter({ dataDir, config: configured(false), registry });
    janeId = (await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'jane@example.com' } })).body.id as string;
    await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'omar@example.com' } });
    await first.queue.drained();
    await first.stop();
    perimeter = await startTestPerimeter({ dataDir, config: configured(true), registry });
  });
  afterAll(async () => {
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Who holds an enabled crm account. */
  const crmHolders = (): string[] =>
    Array.from(apps.get('crm')?.accounts.values() ?? [])
      .flatMap(({ account }) => (account.active ? [account.userName] : []))
      .sort();

  it('answers the steps the dry run shows, and after the fan-out the person has the account', async () => {
    // Prepare
    const preview = await perimeter.admin('/plan', { method: 'POST', body: { personId: janeId } });

    // Act
    const applied = await perimeter.admin(`/persons/${janeId}/apply`, { method: 'POST', body: { app: 'crm' } });
    await perimeter.queue.drained();

    // Assess
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ personId: janeId, eventId: expect.stringMatching(new RegExp(`^converge:.+:${janeId}$`)), notes: [] });
    const actions = (plan: { steps: { app: string; action: string }[] }): string[] => plan.steps.map((s) => `${s.app}:${s.action}`).sort();
    expect(actions(applied.body)).toEqual(['crm:createAccount', 'crm:grant']);
    expect(actions(preview.body.plans[0]).filter((a) => a.startsWith('crm:'))).toEqual(actions(applied.body));
    expect(crmHolders()).toEqual(['jane@example.com']);
    expect(await perimeter.stores.access.getActual(janeId, 'crm')).toMatchObject({ status: 'active', entitlements: ['role:user'] });
    const recorded = (await perimeter.stores.ledger.chain(`person#${janeId}`)).filter((e) => e.type === 'admin.plan-applied');
    expect(recorded).toMatchObject([{ app: 'crm', detail: { steps: 2 }, source: { channel: 'admin', operation: `POST /admin/persons/${janeId}/apply` } }]);
  });

  it('applying again (without a body) queues nothing', async () => {
    // Act
    const again = await perimeter.admin(`/persons/${janeId}/apply`, { method: 'POST' });

    // Assess
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ personId: janeId, steps: [] });
    const recorded = (await perimeter.stores.ledger.chain(`person#${janeId}`)).filter((e) => e.type === 'admin.plan-applied');
    expect(recorded.map((e) => e.detail?.steps)).toEqual([2, 0]);
  });

  it('refuses an unknown person or app with 404 and a bad body with 400, writing nothing', async () => {
    // Act
    const noPerson = await perimeter.admin('/persons/no-such-person/apply', { method: 'POST', body: {} });
    const noApp = await perimeter.admin(`/persons/${janeId}/apply`, { method: 'POST', body: { app: 'nope' } });
    const unknownKey = await perimeter.admin(`/persons/${janeId}/apply`, { method: 'POST', body: { app: 'crm', dryRun: true } });
    const notJson = await perimeter.admin(`/persons/${janeId}/apply`, { method: 'POST', rawBody: '{', headers: { 'content-type': 'application/json' } });

    // Assess
    expect([noPerson.status, noApp.status, unknownKey.status, notJson.status]).toEqual([404, 404, 400, 400]);
    for (const reply of [noPerson, noApp, unknownKey, notJson]) expect(reply.body.error).toMatchObject({ status: reply.status, message: expect.any(String) });
    expect(crmHolders()).toEqual(['jane@example.com']);
    const recorded = (await perimeter.stores.ledger.chain(`person#${janeId}`)).filter((e) => e.type === 'admin.plan-applied');
    expect(recorded).toHaveLength(2);
  });
});
