import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { stepIdFor } from '../../lib/plan/stepIdFor.js';
import type { MemoryApp} from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('lifecycle fan-out (SCIM joiner / mover / leaver to apps)', () => {
  const apps = new Map<string, MemoryApp>();
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    const config = parsePerimeterConfig(
      {
        connectors: [
          { id: 'chat', type: 'memory', maxAttempts: 3 },
          { id: 'code', type: 'memory', maxAttempts: 3 },
        ],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'eng-code', when: { department: 'Engineering' }, grant: [{ app: 'code', entitlements: ['team:eng'] }] },
            { id: 'sales-code', when: { department: ['Sales'] }, grant: [{ app: 'code', entitlements: ['team:sales'] }] },
          ],
        },
        leaver: { default: { actions: ['revokeSessions', 'revokeEntitlements', 'disable'] }, apps: { code: { actions: ['revokeEntitlements', 'disable'], deleteAfterDays: 30 } } },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, registry: new Map([['memory', memoryConnectorDefinition(apps)]]) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const settle = (): Promise<void> => perimeter.queue.drained();
  const user = (department: string): Record<string, unknown> => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName: `p${Math.random().toString(36).slice(2)}@example.com`,
    active: true,
    [ENTERPRISE]: { department },
  });

  it('a joiner gets the accounts and entitlements policy names, each justified by its rule', async () => {
    // Act
    const created = await perimeter.scim('/Users', { method: 'POST', body: user('Engineering') });
    await settle();
    const access = await perimeter.stores.access.listActual(created.body.id);
    const steps = (await perimeter.stores.ledger.forPerson(created.body.id)).filter((e) => e.type.startsWith('step.'));

    // Assess
    expect(access.map((a) => [a.app, a.status, a.entitlements])).toEqual([
      ['chat', 'active', []],
      ['code', 'active', ['team:eng']],
    ]);
    expect(steps.map((e) => [e.type, e.app, e.outcome, e.rule])).toEqual(
      expect.arrayContaining([
        ['step.createAccount', 'chat', 'applied', 'everyone-chat'],
        ['step.createAccount', 'code', 'applied', 'eng-code'],
        ['step.grant', 'code', 'applied', 'eng-code'],
      ]),
    );
  });

  it('a mover gains what a rule now grants and loses what no rule still justifies', async () => {
    // Prepare
    const created = await perimeter.scim('/Users', { method: 'POST', body: user('Engineering') });
    await settle();

    // Act
    await perimeter.scim(`/Users/${created.body.id}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' }] },
    });
    await settle();
    const code = await perimeter.stores.access.getActual(created.body.id, 'code');
    const account = apps.get('code')?.accounts.get(code?.accountId ?? '');

    // Assess
    expect(code?.entitlements).toEqual(['team:sales']);
    expect(account?.account.entitlements).toEqual(['team:sales']);
  });

  it('a leaver is disabled everywhere, sessions revoked, deletion scheduled after the grace period', async () => {
    // Prepare
    const created = await perimeter.scim('/Users', { method: 'POST', body: user('Engineering') });
    await settle();
    const chatAccount = (await perimeter.stores.access.getActual(created.body.id, 'chat'))?.accountId ?? '';

    // Act
    await perimeter.scim(`/Users/${created.body.id}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    await settle();
    const access = await perimeter.stores.access.listActual(created.body.id);
    const plan = await perimeter.stores.access.getPlanned(created.body.id);
    const leaver = (await perimeter.stores.ledger.chain(`person#${created.body.id}`)).find((e) => e.type === 'lifecycle.leaver');
    const deletion = await perimeter.scheduler.get(`step-${stepIdFor(leaver?.eventId ?? '', 'code', 'deleteAccount')}`);

    // Assess
    expect(access.map((a) => [a.app, a.status, a.entitlements])).toEqual([
      ['chat', 'disabled', []],
      ['code', 'disabled', []],
    ]);
    expect(apps.get('chat')?.sessionRevocations).toContain(chatAccount);
    expect(plan?.apps.code?.status).toBe('disabled');
    expect(deletion?.work).toMatchObject({ kind: 'step', step: { app: 'code', action: 'deleteAccount' } });
    expect(Date.parse(deletion?.runAt ?? '') - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(apps.get('chat')?.calls.some((c) => c.op === 'deleteAccount')).toBe(false);
  });

  it('retries a rate-limited step after Retry-After and applies it exactly once', async () => {
    // Prepare
    const chat = apps.get('chat') as MemoryApp;
    chat.failNext = { error: new ConnectorError('rateLimited', 'chat: HTTP 429', { status: 429, retryAfterMs: 300 }), times: 1 };
    const started = Date.now();

    // Act
    const created = await perimeter.scim('/Users', { method: 'POST', body: user('Marketing') });
    await settle();
    const creates = chat.calls.filter((c) => c.op === 'createAccount' && c.key.length > 0);
    const events = (await perimeter.stores.ledger.forPerson(created.body.id)).filter((e) => e.type === 'step.createAccount');

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(events.map((e) => e.outcome)).toEqual(['failed', 'applied']);
    expect((await perimeter.stores.access.getActual(created.body.id, 'chat'))?.status).toBe('active');
    expect(new Set(creates.map((c) => c.key)).size).toBe(creates.length);
  });

  it('dead-letters a step after a permanent failure and records it', async () => {
    // Prepare
    const code = apps.get('code') as MemoryApp;
    code.failNext = { error: new ConnectorError('rejected', 'code: HTTP 422', { status: 422 }), times: 1 };

    // Act
    const created = await perimeter.scim('/Users', { method: 'POST', body: user('Engineering') });
    await settle();
    const { letters } = await perimeter.stores.steps.listDeadLetters(10);
    const events = (await perimeter.stores.ledger.forPerson(created.body.id)).filter((e) => e.outcome === 'dead-lettered');

    // Assess
    expect(letters.some((letter) => letter.step.personId === created.body.id && letter.step.app === 'code')).toBe(true);
    // The create failed for good; the grant that needed its account could not run either.
    expect(events.map((e) => [e.type, (e.detail as { error: string }).error.split(':')[0]])).toEqual([
      ['step.createAccount', 'rejected'],
      ['step.grant', 'notFound'],
    ]);
  });
});
