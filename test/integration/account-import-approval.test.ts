import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { MemoryApp, memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Issue 11's "done when" for an app with accounts: the import report is kept, approving it links
 * the unique matches and nothing else, and convergence then uses Ada's existing (disabled) account
 * instead of making her a second one (and twin1's hand-linked one), and creates accounts only for
 * people who have none.
 */
describe('approving an import, then converging (POST /admin/connectors/{id}/import/approve)', () => {
  const apps = new Map<string, MemoryApp>();
  const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
  const ids: Record<string, string> = {};
  let dataDir: string;
  let perimeter: TestPerimeter;
  let reportId: string;
  const crm = new MemoryApp();
  const connector = { id: 'crm', type: 'memory', correlation: ['email', 'userName'] };

  beforeAll(async () => {
    // Prepare: the crm's accounts exist; the connector is configured, no rule gives the crm yet
    const seed = (accountId: string, userName: string, email: string, active: boolean): void => {
      crm.accounts.set(accountId, { account: { accountId, userName, email, active, entitlements: [] }, deleted: false });
    };
    seed('A1', 'ada-crm', 'ADA@Example.com', false);
    seed('A3', 'shared-crm', 'shared@example.com', true);
    seed('A4', 'nobody-crm', 'nobody@example.com', true);
    apps.set('crm', crm);
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-import-approve-'));
    const config = parsePerimeterConfig({ connectors: [connector], policy: { rules: [] } }, 'test');
    perimeter = await startTestPerimeter({ dataDir, config, registry });
    for (const [key, userName, email] of [
      ['ada', 'ada@example.com', 'ada@example.com'],
      ['bob', 'bob@example.com', 'bob@example.com'],
      ['twin1', 'twin1@example.com', 'shared@example.com'],
      ['twin2', 'twin2@example.com', 'shared@example.com'],
    ] as const) {
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName, emails: [{ value: email, primary: true }] } });
      expect(created.status).toBe(201);
      ids[key] = String(created.body.id);
    }
  });
  afterAll(async () => {
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the report: GET answers it whole, with no approval, and nothing is linked', async () => {
    // Prepare
    expect((await perimeter.admin('/connectors/crm/import')).status).toBe(404);

    // Act
    const made = await perimeter.admin('/connectors/crm/import', { method: 'POST' });
    reportId = String(made.body.reportId);
    const shown = await perimeter.admin('/connectors/crm/import');

    // Assess
    expect(made.status).toBe(200);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      app: 'crm',
      reportId,
      counts: { accounts: 3, linked: 1, ambiguous: 1, unmatched: 1, alreadyLinked: 0 },
      linked: [{ accountId: 'A1', personId: ids.ada, rule: 'email', active: false }],
      ambiguous: [{ accountId: 'A3', reason: 'matches several people' }],
      unmatched: [{ accountId: 'A4' }],
      approval: null,
    });
    expect(await perimeter.stores.access.accountHolder('crm', 'A1')).toBeUndefined();
    expect(crm.calls).toEqual([]);
  });

  it('refuses to approve a report the operator did not name, or another one, and changes nothing', async () => {
    // Act
    const missing = await perimeter.admin('/connectors/crm/import/approve', { method: 'POST', body: {} });
    const other = await perimeter.admin('/connectors/crm/import/approve', { method: 'POST', body: { reportId: 'not-the-last-one' } });
    const unknownApp = await perimeter.admin('/connectors/nope/import/approve', { method: 'POST', body: { reportId } });

    // Assess
    expect([missing.status, other.status, unknownApp.status]).toEqual([400, 409, 404]);
    expect(JSON.stringify(other.body)).toContain(reportId);
    expect(await perimeter.stores.access.accountHolder('crm', 'A1')).toBeUndefined();
  });

  it('links exactly the unique matches, ledgered on the person, and a second approval does nothing', async () => {
    // Act
    const approved = await perimeter.admin('/connectors/crm/import/approve', { method: 'POST', body: { reportId } });
    const again = await perimeter.admin('/connectors/crm/import/approve', { method: 'POST', body: { reportId } });

    // Assess
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ app: 'crm', approval: { reportId, linked: 1, skipped: 0 }, skipped: [], alreadyApproved: false });
    expect(again.body).toMatchObject({ alreadyApproved: true, approval: { reportId, linked: 1 } });
    expect(await perimeter.stores.access.accountHolder('crm', 'A1')).toBe(ids.ada);
    expect(await perimeter.stores.access.accountHolder('crm', 'A3')).toBeUndefined();
    expect(await perimeter.stores.access.getActual(ids.ada!, 'crm')).toMatchObject({ accountId: 'A1', status: 'disabled' });
    const linkEvents = (await perimeter.stores.ledger.chain(`access#${ids.ada}#crm`)).filter((event) => event.type === 'account.linked');
    expect(linkEvents).toMatchObject([{ rule: 'email', detail: { accountId: 'A1', reportId } }]);
    expect((await perimeter.admin('/connectors/crm/import')).body).toMatchObject({ approval: { reportId, linked: 1 } });
    expect(crm.calls).toEqual([]);
  });

  it('links an ambiguous account by hand, refuses a second holder, and unlinks, each ledgered with its reason', async () => {
    // Act
    const link = (body: Record<string, unknown>) => perimeter.admin('/connectors/crm/links', { method: 'POST', body });
    const linked = await link({ action: 'link', accountId: 'A3', personId: ids.twin1, reason: 'twin1 confirmed shared-crm is theirs (IT-7)' });
    const secondHolder = await link({ action: 'link', accountId: 'A3', personId: ids.twin2, reason: 'mistake' });
    const unlisted = await link({ action: 'link', accountId: 'A9', personId: ids.twin2, reason: 'not in the app' });
    const nobody = await link({ action: 'link', accountId: 'A4', personId: 'no-such-person', reason: 'typo' });
    const noReason = await link({ action: 'link', accountId: 'A4', personId: ids.bob });
    const unlinked = await link({ action: 'unlink', accountId: 'A3', reason: 'linked to the wrong twin' });
    const unlinkedAgain = await link({ action: 'unlink', accountId: 'A3', reason: 'twice' });
    const relinked = await link({ action: 'link', accountId: 'A3', personId: ids.twin1, reason: 'the right twin after all' });

    // Assess
    expect([linked.status, secondHolder.status, unlisted.status, nobody.status, noReason.status]).toEqual([200, 409, 404, 404, 400]);
    expect([unlinked.status, unlinkedAgain.status, relinked.status]).toEqual([200, 404, 200]);
    expect(unlinked.body).toEqual({ app: 'crm', accountId: 'A3', personId: ids.twin1, action: 'unlinked' });
    expect(await perimeter.stores.access.accountHolder('crm', 'A3')).toBe(ids.twin1);
    const events = (await perimeter.stores.ledger.chain(`access#${ids.twin1}#crm`)).map((event) => [event.type, (event.detail as { reason?: string }).reason]);
    expect(events).toEqual([
      ['account.linked', 'twin1 confirmed shared-crm is theirs (IT-7)'],
      ['account.unlinked', 'linked to the wrong twin'],
      ['account.linked', 'the right twin after all'],
    ]);
    expect(await perimeter.stores.access.accountHolder('crm', 'A4')).toBeUndefined();
    expect(crm.calls).toEqual([]);
  });

  it('then a rule and convergence re-enable the linked account and create only the missing ones', async () => {
    // Prepare: the operator adds the rule and restarts
    await perimeter.stop();
    const config = parsePerimeterConfig({ connectors: [connector], policy: { rules: [{ id: 'everyone-crm', when: {}, grant: [{ app: 'crm' }] }] } }, 'test');
    perimeter = await startTestPerimeter({ dataDir, config, registry });

    // Act
    const applied = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: false, app: 'crm' } });
    await perimeter.queue.drained();

    // Assess: Ada's own account is enabled, not duplicated; the unmatched and ambiguous ones are untouched
    expect(applied.status).toBe(200);
    const accounts = [...crm.accounts.values()].map((entry) => [entry.account.userName, entry.account.active]).sort();
    expect(accounts).toEqual([
      ['ada-crm', true],
      ['bob@example.com', true],
      ['nobody-crm', true],
      ['shared-crm', true],
      ['twin2@example.com', true],
    ]);
    expect(crm.calls.filter((call) => call.op === 'createAccount')).toHaveLength(2);
    expect(crm.calls.filter((call) => call.op === 'enableAccount').map((call) => call.accountId).sort()).toEqual(['A1', 'A3']);
    expect(await perimeter.stores.access.getActual(ids.ada!, 'crm')).toMatchObject({ accountId: 'A1', status: 'active' });
  });
});
