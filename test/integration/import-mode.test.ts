import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { MemoryApp, memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Issue 11 item 2's import mode: a connector new to the policy whose app already has accounts
 * provisions nothing there (no create, no grant, no orphan disabled) until its import is approved;
 * one whose app is empty is active at once; one whose listing fails is held and looked at again.
 */
describe('import mode of a new connector', () => {
  const apps = new Map<string, MemoryApp>();
  const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
  const crm = new MemoryApp();
  const wiki = new MemoryApp();
  const ids: Record<string, string> = {};
  let dataDir: string;
  let perimeter: TestPerimeter;
  const rules = [
    { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
    { id: 'everyone-crm', when: {}, grant: [{ app: 'crm', entitlements: ['role:user'] }] },
  ];
  const connectors = [
    { id: 'chat', type: 'memory' },
    { id: 'crm', type: 'memory', correlation: ['email'] },
  ];

  beforeAll(async () => {
    // Prepare: the crm holds Ada's account and one nobody claims; chat is empty
    crm.accounts.set('A1', { account: { accountId: 'A1', userName: 'ada-crm', email: 'ada@example.com', active: true, entitlements: [] }, deleted: false });
    crm.accounts.set('A9', { account: { accountId: 'A9', userName: 'stranger', email: 'stranger@example.com', active: true, entitlements: [] }, deleted: false });
    apps.set('crm', crm);
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-import-mode-'));
    perimeter = await startTestPerimeter({ dataDir, config: parsePerimeterConfig({ connectors, policy: { rules } }, 'test'), registry });
    for (const name of ['ada', 'bob']) {
      const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: `${name}@example.com`, emails: [{ value: `${name}@example.com`, primary: true }] } });
      expect(created.status).toBe(201);
      ids[name] = String(created.body.id);
    }
    await perimeter.queue.drained();
  });
  afterAll(async () => {
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const crmCreates = (): number => crm.calls.filter((call) => call.op === 'createAccount').length;
  const modeOf = async (app: string): Promise<unknown> => ((await perimeter.admin('/connectors')).body.connectors as { id: string; mode: unknown }[]).find((c) => c.id === app)?.mode;

  it('starts the app with accounts importing and the empty one active, each ledgered', async () => {
    // Assess
    expect(await modeOf('crm')).toMatchObject({ state: 'importing', reason: 'accounts-found' });
    expect(await modeOf('chat')).toMatchObject({ state: 'active', reason: 'no-accounts' });
    const decisions = async (app: string): Promise<unknown[]> =>
      (await perimeter.stores.ledger.chain(`connector#${app}`)).filter((event) => event.type === 'connector.import-mode').map((event) => event.detail);
    expect(await decisions('crm')).toEqual([{ state: 'importing', reason: 'accounts-found' }]);
    expect(await decisions('chat')).toEqual([{ state: 'active', reason: 'no-accounts' }]);
  });

  it('provisions the active app and holds back every create and grant in the importing one', async () => {
    // Assess: both joiners got chat; the crm saw no call, and planned access has no crm yet
    const chat = apps.get('chat')!;
    expect(chat.calls.filter((call) => call.op === 'createAccount')).toHaveLength(2);
    expect(crm.calls).toEqual([]);
    expect((await perimeter.stores.access.getPlanned(ids.ada!))?.apps.crm).toBeUndefined();
    // The plan says why.
    const preview = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: true, app: 'crm' } });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dryRun: true, people: 2, steps: 0 });
    expect(preview.body.notes).toEqual({ 'crm: its existing accounts are being imported; access is provisioned once the import is approved': 2 });
  });

  it('reports but never fixes orphans in an importing app', async () => {
    // Act
    const reconciled = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'crm', fix: true } });

    // Assess: both accounts look orphaned (nobody is linked yet), and neither is disabled
    expect(reconciled.status).toBe(200);
    const [report] = reconciled.body.reports as { importing?: boolean; stepsQueued: number; orphans: { accountId: string }[] }[];
    expect(report).toMatchObject({ importing: true, stepsQueued: 0 });
    expect(report!.orphans.map((orphan) => orphan.accountId).sort()).toEqual(['A1', 'A9']);
    await perimeter.queue.drained();
    expect(crm.calls).toEqual([]);
    expect(crm.accounts.get('A9')?.account.active).toBe(true);
  });

  it('leaves import mode with the approval, whose convergence run then gives Bob an account and Ada her own', async () => {
    // Prepare
    const report = await perimeter.admin('/connectors/crm/import', { method: 'POST' });
    expect(report.body).toMatchObject({ linked: [{ accountId: 'A1', personId: ids.ada }], unmatched: [{ accountId: 'A9' }] });

    // Act
    const approved = await perimeter.admin('/connectors/crm/import/approve', { method: 'POST', body: { reportId: report.body.reportId } });

    // Assess: active now, and the run it started is a dry run (autoApply is off) that plans one create for Bob
    expect(approved.status).toBe(200);
    expect(approved.body.convergence).toMatchObject({ dryRun: true });
    expect(await modeOf('crm')).toMatchObject({ state: 'active', reason: 'approved' });
    const job = await perimeter.admin(`/jobs/${approved.body.convergence.jobId}`);
    expect(job.body).toMatchObject({ status: 'succeeded', result: { dryRun: true, app: 'crm' } });
    expect(crmCreates()).toBe(0);

    const applied = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: false, app: 'crm' } });
    expect(applied.status).toBe(200);
    await perimeter.queue.drained();
    const active = [...crm.accounts.values()].filter((entry) => entry.account.active && !entry.deleted).map((entry) => entry.account.userName).sort();
    // Ada's A1 is hers (no second account), Bob's is new, the stranger's is untouched.
    expect(active).toEqual(['ada-crm', 'bob@example.com', 'stranger']);
    expect(crmCreates()).toBe(1);
    expect(await perimeter.stores.access.accountHolder('crm', 'A1')).toBe(ids.ada);
  });

  it('keeps the modes across a restart, and starts only a connector added later in import mode; a failing listing is held and looked at again', async () => {
    // Prepare: the wiki is added and cannot be listed at first
    await perimeter.stop();
    wiki.accounts.set('W1', { account: { accountId: 'W1', userName: 'ada', email: 'ada@example.com', active: true, entitlements: [] }, deleted: false });
    wiki.failNext = { error: new ConnectorError('unavailable', 'wiki: 503'), times: 1 };
    apps.set('wiki', wiki);
    const grown = parsePerimeterConfig({ connectors: [...connectors, { id: 'wiki', type: 'memory' }], policy: { rules: [...rules, { id: 'everyone-wiki', when: {}, grant: [{ app: 'wiki' }] }] } }, 'test');

    // Act
    perimeter = await startTestPerimeter({ dataDir, config: grown, registry });
    const held = await modeOf('wiki');
    await perimeter.app.scheduled.runTask('recover');

    // Assess
    expect(held).toMatchObject({ state: 'importing', reason: 'listing-failed' });
    expect(await modeOf('wiki')).toMatchObject({ state: 'importing', reason: 'accounts-found' });
    expect(await modeOf('crm')).toMatchObject({ state: 'active', reason: 'approved' });
    expect(await modeOf('chat')).toMatchObject({ state: 'active', reason: 'no-accounts' });
    const wikiModes = (await perimeter.stores.ledger.chain('connector#wiki')).filter((event) => event.type === 'connector.import-mode').map((event) => event.detail);
    expect(wikiModes).toEqual([
      { state: 'importing', reason: 'listing-failed' },
      { state: 'importing', reason: 'accounts-found', previous: 'listing-failed' },
    ]);
    await perimeter.queue.drained();
    expect(wiki.calls).toEqual([]);
  });
});
