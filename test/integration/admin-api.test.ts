import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { MemoryApp} from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';
import { waitUntil } from '../support/waitUntil.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('admin API', () => {
  const apps = new Map<string, MemoryApp>();
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    const config = parsePerimeterConfig(
      {
        connectors: [
          { id: 'chat', type: 'memory', maxAttempts: 2 },
          { id: 'code', type: 'memory', maxAttempts: 2 },
        ],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'eng-code', when: { department: 'Engineering', groups: { anyOf: ['Platform'] } }, grant: [{ app: 'code', entitlements: ['team:platform'] }] },
          ],
        },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, registry: new Map([['memory', memoryConnectorDefinition(apps)]]) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const newUser = async (department = 'Engineering'): Promise<string> => {
    const created = await perimeter.scim('/Users', {
      method: 'POST',
      body: { userName: `a${Math.random().toString(36).slice(2)}@example.com`, [ENTERPRISE]: { department } },
    });
    return created.body.id as string;
  };

  describe('plan preview (dry run)', () => {
    it('previews one person from attributes without writing anything', async () => {
      // Act
      const reply = await perimeter.admin('/plan', {
        method: 'POST',
        body: { person: { userName: 'new@example.com', department: 'Engineering', groups: ['Platform'] } },
      });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.dryRun).toBe(true);
      expect(reply.body.plans[0].steps.map((s: { app: string; action: string }) => `${s.app}:${s.action}`)).toEqual([
        'chat:createAccount',
        'code:createAccount',
        'code:grant',
      ]);
      expect(await perimeter.stores.access.getPlanned('preview:new@example.com')).toBeUndefined();
    });

    it('previews a whole roster from CSV (bulk what-if)', async () => {
      // Act
      const reply = await perimeter.admin('/plan', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        rawBody: 'userName,department,groups,active\nann@example.com,Engineering,Platform;Oncall,true\nbob@example.com,Sales,,true\ncat@example.com,Engineering,Platform,false\n',
      });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body.plans.map((p: { steps: unknown[] }) => p.steps.length)).toEqual([3, 1, 0]);
    });

    it('previews an existing person by id against what they already have', async () => {
      // Prepare
      const id = await newUser('Sales');
      await perimeter.queue.drained();

      // Act
      const reply = await perimeter.admin('/plan', { method: 'POST', body: { personId: id } });

      // Assess: chat is already in place, nothing else applies to Sales
      expect(reply.body.plans[0].steps).toEqual([]);
    });

    it('rejects malformed requests with a 400 naming the problem', async () => {
      const wrongShape = await perimeter.admin('/plan', { method: 'POST', body: { person: { department: 'Engineering' } } });
      const badCsv = await perimeter.admin('/plan', { method: 'POST', headers: { 'content-type': 'text/csv' }, rawBody: 'department\nEngineering\n' });
      const notJson = await perimeter.admin('/plan', { method: 'POST', rawBody: '{', headers: { 'content-type': 'application/json' } });
      expect(wrongShape.status).toBe(400);
      expect(JSON.stringify(wrongShape.body.error)).toContain('userName');
      expect(badCsv.status).toBe(400);
      expect(badCsv.body.error.message).toContain('row 2');
      expect(notJson.status).toBe(400);
    });
  });

  it('refuses the SCIM token and missing tokens', async () => {
    const scimToken = await fetch(`${perimeter.url}/admin/connectors`, { headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}` } });
    const none = await fetch(`${perimeter.url}/admin/connectors`);
    expect(scimToken.status).toBe(401);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('suspends an app: its steps wait and run after resume; the ledger records both', async () => {
    // Prepare
    expect((await perimeter.admin('/connectors/chat/suspend', { method: 'POST' })).body).toEqual({ id: 'chat', suspended: true });

    // The executor's answers, to see the moment chat's step was handed back for the suspension.
    const execute = vi.spyOn(perimeter.app.executor, 'execute');
    onTestFinished(() => execute.mockRestore());
    const handedBack = (personId: string): boolean =>
      execute.mock.calls.some(([step], call) => {
        const settled = execute.mock.settledResults[call];
        return step.personId === personId && step.app === 'chat' && settled?.type === 'fulfilled' && settled.value.kind === 'retry' && settled.value.reason === 'chat is suspended';
      });

    // Act
    const id = await newUser('Sales');
    await waitUntil(() => handedBack(id), 15_000, "the new user's chat step to be handed back while chat is suspended");
    const whileSuspended = await perimeter.stores.access.getActual(id, 'chat');
    await perimeter.admin('/connectors/chat/resume', { method: 'POST' });
    await waitUntil(async () => (await perimeter.stores.access.getActual(id, 'chat')) !== undefined, 40_000, 'chat access after the resume');
    const chain = await perimeter.stores.ledger.chain('connector#chat');

    // Assess
    expect(whileSuspended).toBeUndefined();
    expect((await perimeter.stores.access.getActual(id, 'chat'))?.status).toBe('active');
    // After the start's import-mode decision (the chat app was empty: active).
    expect(chain.map((e) => e.type)).toEqual(['connector.import-mode', 'connector.suspended', 'connector.resumed']);
    expect((await perimeter.admin('/connectors/nope/suspend', { method: 'POST' })).status).toBe(404);
  }, 60_000);

  it('locks a person out ahead of queued work, and grants nothing more until unlocked', async () => {
    // Prepare: the person has chat; the app is slow, and more work is queued for them.
    const id = await newUser('Sales');
    await perimeter.queue.drained();
    const chat = apps.get('chat') as MemoryApp;
    chat.latencyMs = 100;

    // Act
    const lockout = await perimeter.admin(`/persons/${id}/lockout`, { method: 'POST' });
    await perimeter.queue.drained();
    chat.latencyMs = 0;
    const after = await perimeter.stores.access.getActual(id, 'chat');
    const chain = await perimeter.stores.ledger.chain(`person#${id}`);

    // Assess
    expect(lockout.status).toBe(202);
    expect(lockout.body.plan.steps.map((s: { app: string; action: string; priority: string }) => `${s.priority}:${s.app}:${s.action}`)).toEqual([
      'lockout:chat:revokeSessions',
      'lockout:chat:disableAccount',
      'lockout:code:revokeSessions',
      'lockout:code:disableAccount',
    ]);
    expect(after?.status).toBe('disabled');
    expect(chain.some((e) => e.type === 'admin.lockout')).toBe(true);
    expect((await perimeter.stores.access.getPlanned(id))?.locked).toBe(true);

    // Unlock: access comes back
    const unlocked = await perimeter.admin(`/persons/${id}/lockout`, { method: 'DELETE' });
    await perimeter.queue.drained();
    expect(unlocked.status).toBe(200);
    expect((await perimeter.stores.access.getActual(id, 'chat'))?.status).toBe('active');
  });

  it('lists dead letters and replays one to completion', async () => {
    // Prepare
    const code = apps.get('code') as MemoryApp;
    code.failNext = { error: new ConnectorError('auth', 'code: HTTP 401', { status: 401 }), times: 1 };
    const created = await perimeter.scim('/Users', {
      method: 'POST',
      body: { userName: `dl${Date.now()}@example.com`, [ENTERPRISE]: { department: 'Engineering' } },
    });
    const id = created.body.id as string;
    await perimeter.scim('/Groups', { method: 'POST', body: { displayName: `Platform`, members: [{ value: id }] } });
    await perimeter.queue.drained();

    // Act
    const list = await perimeter.admin('/dead-letters');
    const letter = list.body.letters.find((l: { step: { personId: string; action: string } }) => l.step.personId === id && l.step.action === 'createAccount');
    const replay = await perimeter.admin(`/dead-letters/${letter.step.stepId}/replay`, { method: 'POST' });
    await perimeter.queue.drained();
    const again = await perimeter.admin(`/dead-letters/${letter.step.stepId}/replay`, { method: 'POST' });

    // Assess
    expect(letter.error).toContain('auth');
    expect(replay.status).toBe(202);
    expect((await perimeter.stores.access.getActual(id, 'code'))?.status).toBe('active');
    expect(again.status).toBe(404);
  });

  it('reconciles an app: reports orphans and drift, and fixes them when asked', async () => {
    // Prepare: an account nobody in the directory owns, and an entitlement no rule justifies.
    const chat = apps.get('chat') as MemoryApp;
    chat.accounts.set('acct-stray', { account: { accountId: 'acct-stray', userName: 'stray@example.com', active: true, entitlements: [] }, deleted: false });
    const id = await newUser('Sales');
    await perimeter.queue.drained();
    const mine = (await perimeter.stores.access.getActual(id, 'chat'))?.accountId ?? '';
    chat.accounts.get(mine)?.account.entitlements.push('channel:secret');

    // Act
    const report = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'chat' } });
    const fixed = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'chat', fix: true } });
    await perimeter.queue.drained();
    const chain = await perimeter.stores.ledger.chain('connector#chat');

    // Assess
    const [first] = report.body.reports;
    expect(first.orphans).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: 'acct-stray', reason: 'no matching person' })]));
    expect(first.drift).toEqual(expect.arrayContaining([{ personId: id, accountId: mine, unjustified: ['channel:secret'], missing: [] }]));
    expect(first.stepsQueued).toBe(0);
    expect(fixed.body.reports[0].stepsQueued).toBeGreaterThanOrEqual(2);
    expect(chat.accounts.get('acct-stray')?.account.active).toBe(false);
    expect(chat.accounts.get(mine)?.account.entitlements).toEqual([]);
    expect(chain.filter((e) => e.type === 'reconciliation.report')).toHaveLength(2);
  });
  it('runs reconciliation as a job: the answer points at the job, which holds the summary; unknown jobs are 404', async () => {
    // Act
    const reply = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'chat' } });
    const location = reply.headers.get('location') ?? '';
    const job = await perimeter.admin(location.slice(location.indexOf('/admin') + '/admin'.length));
    const missing = await perimeter.admin('/jobs/no-such-job');

    // Assess
    expect(reply.status).toBe(200);
    expect(location).toMatch(/\/admin\/jobs\/[0-9a-f-]{36}$/);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ kind: 'reconcile', scope: 'chat', status: 'succeeded', slices: 1, requestedBy: expect.any(String) });
    expect(job.body.result.reports[0]).toMatchObject({ app: 'chat', runId: reply.body.reports[0].runId, ledgerEventId: `reconcile:${reply.body.reports[0].runId}` });
    expect((await perimeter.stores.ledger.chain('job#reconcile')).some((e) => e.type === 'job.succeeded' && e.detail?.jobId === job.body.id)).toBe(true);
    expect(missing.status).toBe(404);
  });
  it('previews a roster larger than the inline limit as a job, answering in full within the request', async () => {
    // Act
    const roster = Array.from({ length: 250 }, (_, n) => ({ userName: `roster-${n}@example.com`, department: n % 2 ? 'Engineering' : 'Sales', groups: ['Platform'] }));
    const reply = await perimeter.admin('/plan', { method: 'POST', body: { roster } });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.dryRun).toBe(true);
    expect(reply.body.plans).toHaveLength(250);
    expect(reply.body.plans[1].steps.map((s: { app: string; action: string }) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount', 'code:createAccount', 'code:grant']);
    expect((await perimeter.stores.ledger.chain('job#plan-preview')).map((e) => e.type)).toEqual(['job.succeeded']);
    expect(await perimeter.stores.access.getPlanned('preview:roster-1@example.com')).toBeUndefined();
  });
});
