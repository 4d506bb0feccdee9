import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { MemoryApp } from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { runConvergeCommand } from '../../local/runConvergeCommand.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PEOPLE = ['jane@example.com', 'omar@example.com', 'li@example.com'];

/**
 * Issue 11's story: people were in the directory before the crm connector and its rule were
 * configured, so no event ever planned their crm account. Convergence finds and plans it.
 */
describe('convergence on demand (POST /admin/converge)', () => {
  const apps = new Map<string, MemoryApp>();
  const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
  const ids: string[] = [];
  let dataDir: string;
  let leaverId: string;
  let lockedId: string;
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    // Prepare: chat for everyone, no crm yet; three people join, one arrives inactive, one is locked out
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-converge-'));
    const before = parsePerimeterConfig(
      { connectors: [{ id: 'chat', type: 'memory' }], policy: { rules: [{ id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] }] } },
      'test',
    );
    const first = await startTestPerimeter({ dataDir, config: before, registry });
    for (const userName of PEOPLE) ids.push((await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName } })).body.id as string);
    leaverId = (await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'gone@example.com', active: false } })).body.id as string;
    lockedId = (await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'kim@example.com' } })).body.id as string;
    expect((await first.admin(`/persons/${lockedId}/lockout`, { method: 'POST' })).status).toBe(202);
    await first.queue.drained();
    await first.stop();

    // The operator adds the crm connector and a rule giving it to everyone, and restarts.
    const after = parsePerimeterConfig(
      {
        connectors: [
          { id: 'chat', type: 'memory' },
          { id: 'crm', type: 'memory' },
        ],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'everyone-crm', when: {}, grant: [{ app: 'crm', entitlements: ['role:user'] }] },
          ],
        },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ dataDir, config: after, registry });
  });
  afterAll(async () => {
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const crmAccounts = (): string[] => [...(apps.get('crm')?.accounts.values() ?? [])].filter((a) => a.account.active && !a.deleted).map((a) => a.account.userName).sort();

  /** The convergence reports of runs an operator asked for (the restart records its own dry run). */
  const operatorReports = async (): Promise<Awaited<ReturnType<typeof perimeter.stores.ledger.chain>>> =>
    (await perimeter.stores.ledger.chain('convergence')).filter((event) => event.source.channel === 'admin');

  it('notices the new policy at the restart and records a dry run of it before anyone asks, applying nothing', async () => {
    // Assess: the first start recorded its policy, the restart the change, each with its dry run
    const policy = await perimeter.stores.ledger.chain('policy');
    expect(policy.map((event) => [event.type, (event.detail as { convergence: string }).convergence])).toEqual([
      ['policy.changed', 'dry-run'],
      ['policy.changed', 'dry-run'],
    ]);
    expect((policy[1]?.detail as { previous: string }).previous).toBe((policy[0]?.detail as { fingerprint: string }).fingerprint);
    const startRuns = (await perimeter.stores.ledger.chain('convergence')).filter((event) => event.source.channel === 'schedule');
    expect(startRuns.map((event) => [event.detail?.dryRun, event.detail?.people, event.detail?.affected, event.detail?.steps])).toEqual([
      [true, 0, 0, 0],
      [true, 5, 3, 6],
    ]);
    expect(crmAccounts()).toEqual([]);
  });

  it('a dry run (the default) lists every person affected and writes nothing', async () => {
    // Act
    const reply = await perimeter.admin('/converge', { method: 'POST', body: {} });
    await perimeter.queue.drained();

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ dryRun: true, people: 5, affected: 3, steps: 6 });
    expect(reply.body.apps.crm.actions.createAccount.people).toBe(3);
    expect(reply.body.apps.crm.actions.grant.steps).toBe(3);
    expect(reply.body.apps.chat).toBeUndefined();
    expect(reply.body.notes).toEqual({ 'locked by the kill switch: nothing is planned until it is lifted': 1 });
    expect(reply.body.actions.createAccount.sample.map((p: { userName: string }) => p.userName).sort()).toEqual([...PEOPLE].sort());
    expect(reply.headers.get('location')).toMatch(/\/admin\/jobs\/[0-9a-f-]{36}$/);
    expect(crmAccounts()).toEqual([]);
    for (const id of ids) expect((await perimeter.stores.access.getPlanned(id))?.apps.crm).toBeUndefined();
    expect((await operatorReports()).map((e) => [e.type, e.detail?.dryRun])).toEqual([['convergence.report', true]]);
  });

  it('applying queues the steps, and after the fan-out everyone has the account; a second apply queues nothing', async () => {
    // Act
    const applied = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: false, app: 'crm' } });
    await perimeter.queue.drained();
    const again = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: false } });
    await perimeter.queue.drained();

    // Assess
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, app: 'crm', people: 5, affected: 3, steps: 6, apps: { crm: { steps: 6 } } });
    expect(crmAccounts()).toEqual([...PEOPLE].sort());
    for (const id of ids) expect((await perimeter.stores.access.getActual(id, 'crm'))).toMatchObject({ status: 'active', entitlements: ['role:user'] });
    expect(await perimeter.stores.access.getActual(leaverId, 'crm')).toBeUndefined();
    expect(await perimeter.stores.access.getActual(lockedId, 'crm')).toBeUndefined();
    expect(again.body).toMatchObject({ dryRun: false, people: 5, affected: 0, steps: 0 });
    expect([again.body.actions, again.body.apps]).toEqual([{}, {}]);
    const reports = await operatorReports();
    expect(reports.map((e) => [e.detail?.dryRun, e.detail?.steps])).toEqual([
      [true, 6],
      [false, 6],
      [false, 0],
    ]);
    expect(reports[1]).toMatchObject({ app: 'crm', source: { channel: 'admin', operation: 'POST /admin/converge' } });
  });

  it('gives an account deleted in the app by hand back through reconciliation, and a disabled one', async () => {
    // Prepare: someone deletes jane's crm account and disables omar's in the app itself
    const crm = apps.get('crm');
    const entryOf = (userName: string) => [...(crm?.accounts.values() ?? [])].find((entry) => !entry.deleted && entry.account.userName === userName);
    const jane = entryOf('jane@example.com');
    const omar = entryOf('omar@example.com');
    if (!crm || !jane || !omar) throw new Error('the apply test gave jane and omar crm accounts');
    jane.deleted = true;
    crm.accounts.set(omar.account.accountId, { ...omar, account: { ...omar.account, active: false } });

    // Act
    const reply = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'crm', fix: true } });
    await perimeter.queue.drained();

    // Assess: both found as missing access, both planned the joiner's create step, both hold crm again
    const [report] = reply.body.reports;
    expect(report.missing.map((m: { reason: string }) => m.reason).sort()).toEqual(['account disabled in the app', 'account gone from the app']);
    expect(report.orphans).toEqual([]);
    expect(crmAccounts()).toEqual([...PEOPLE].sort());
    expect(entryOf('omar@example.com')?.account.accountId).toBe(omar.account.accountId);
    const janeNow = entryOf('jane@example.com');
    expect(janeNow?.account.accountId).not.toBe(jane.account.accountId);
    const janeId = ids[PEOPLE.indexOf('jane@example.com')] as string;
    expect(await perimeter.stores.access.getActual(janeId, 'crm')).toMatchObject({ status: 'active', accountId: janeNow?.account.accountId });
  });

  it('the CLI asks the running Perimeter and prints its summary', async () => {
    // Act
    let out = '';
    const code = await runConvergeCommand(['--app', 'crm'], { PERIMETER_ADMIN_TOKEN: TEST_ADMIN_TOKEN, PERIMETER_URL: perimeter.url }, (chunk) => void (out += chunk));

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ dryRun: true, app: 'crm', people: 5, affected: 0, steps: 0 });
  });

  it('answers bad input with a JSON 4xx, never a 500', async () => {
    // Act
    const notBoolean = await perimeter.admin('/converge', { method: 'POST', body: { dryRun: 'no' } });
    const unknownField = await perimeter.admin('/converge', { method: 'POST', body: { fix: true } });
    const unknownApp = await perimeter.admin('/converge', { method: 'POST', body: { app: 'nope' } });
    const notJson = await perimeter.admin('/converge', { method: 'POST', rawBody: '{', headers: { 'content-type': 'application/json' } });

    // Assess
    expect([notBoolean.status, unknownField.status, unknownApp.status, notJson.status]).toEqual([400, 400, 404, 400]);
    expect(unknownApp.body.error.message).toContain('No connector "nope"');
    expect(JSON.stringify(unknownField.body.error)).toContain('fix');
  });
});

describe('convergence when the policy changes, with convergence.autoApply', () => {
  it('gives the people who were there before the rule their accounts at the restart, without an operator', async () => {
    // Prepare: two people join while no rule gives crm
    const apps = new Map<string, MemoryApp>();
    const registry = new Map([['memory', memoryConnectorDefinition(apps)]]);
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-autoapply-'));
    const connectors = [{ id: 'crm', type: 'memory' }];
    const first = await startTestPerimeter({ dataDir, config: parsePerimeterConfig({ connectors, convergence: { autoApply: true } }, 'test'), registry });
    for (const userName of PEOPLE.slice(0, 2)) await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName } });
    await first.stop();

    // Act: the rule arrives with the restart
    const rules = [{ id: 'everyone-crm', when: {}, grant: [{ app: 'crm' }] }];
    const second = await startTestPerimeter({ dataDir, config: parsePerimeterConfig({ connectors, policy: { rules }, convergence: { autoApply: true } }, 'test'), registry });
    try {
      await second.queue.drained();

      // Assess: applied by the start itself, recorded as such
      const accounts = [...(apps.get('crm')?.accounts.values() ?? [])].map((a) => a.account.userName).sort();
      expect(accounts).toEqual(PEOPLE.slice(0, 2).sort());
      const runs = (await second.stores.ledger.chain('convergence')).map((event) => [event.source.channel, event.detail?.dryRun, event.detail?.steps]);
      expect(runs).toEqual([
        ['schedule', false, 0],
        ['schedule', false, 2],
      ]);
    } finally {
      await second.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
