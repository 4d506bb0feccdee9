import { beforeEach, describe, expect, it } from 'vitest';
import { replayDeadLetter } from '../../../lib/application/admin/replayDeadLetter.js';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import type { AppAccessState } from '../../../lib/domain/AccessRecords.js';
import { connectorConfigSchema } from '../../../lib/config/perimeterConfigSchema.js';
import { ConnectorRuntime } from '../../../lib/fanout/ConnectorRuntime.js';
import { StepExecutor } from '../../../lib/fanout/StepExecutor.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { LedgerEvent } from '../../../lib/domain/LedgerEvent.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import type { Logger } from '../../../lib/observability/Logger.js';
import type { PlanStep, StepAction } from '../../../lib/domain/PlanStep.js';
import { stepIdFor } from '../../../lib/plan/stepIdFor.js';
import { InMemoryAccessStore } from '../../fakes/InMemoryAccessStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { InMemoryStepQueue } from '../../fakes/InMemoryStepQueue.js';
import { InMemoryStepStore } from '../../fakes/InMemoryStepStore.js';
import { MemoryApp, memoryConnectorDefinition } from '../../fakes/MemoryConnector.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const ann: PersonSnapshot = { id: 'p1', userName: 'ann@example.com', active: true, title: 'Engineer' };
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const step = (action: StepAction, extra: Partial<PlanStep> = {}): PlanStep => ({
  stepId: stepIdFor(extra.eventId ?? 'evt-1', extra.app ?? 'code', action, extra.entitlement, extra.accountId),
  eventId: 'evt-1',
  plannedAt: new Date(T0).toISOString(),
  personId: 'p1',
  app: 'code',
  action,
  sequence: 0,
  rules: action === 'grant' || action === 'createAccount' ? ['eng'] : [],
  reason: `test ${action}`,
  person: ann,
  ...extra,
});

describe('StepExecutor', () => {
  let apps: Map<string, MemoryApp>;
  let code: MemoryApp;
  let access: InMemoryAccessStore;
  let steps: InMemoryStepStore;
  let ledgerStore: InMemoryLedgerStore;
  let clock: number;
  let executor: StepExecutor;

  beforeEach(() => {
    apps = new Map();
    code = new MemoryApp();
    apps.set('code', code);
    access = new InMemoryAccessStore();
    steps = new InMemoryStepStore();
    ledgerStore = new InMemoryLedgerStore();
    clock = T0;
    const now = (): Date => new Date(clock);
    const connectors = new ConnectorRuntime({
      configs: [connectorConfigSchema.parse({ id: 'code', type: 'memory', maxAttempts: 3 })],
      registry: new Map([['memory', memoryConnectorDefinition(apps)]]),
      accessToken: () => async () => 'token',
    });
    executor = new StepExecutor({ connectors, access, steps, ledger: new Ledger(ledgerStore, now), logger: silent, now, suspendedRecheckMs: 5_000 });
  });

  /** The step outcomes the ledger recorded for ann in code, in order. */
  const outcomes = async (): Promise<LedgerEvent[]> => ledgerStore.chain('access#p1#code');

  /** An account that already exists in the app (and, optionally, in Perimeter's records). */
  const existingAccount = async (entitlements: string[] = [], recorded = true): Promise<string> => {
    const account = { accountId: 'acct-9', userName: ann.userName, active: true, entitlements };
    code.accounts.set(account.accountId, { account, title: ann.title, deleted: false });
    if (recorded) await access.applyActual('p1', 'code', { status: 'active', accountId: account.accountId, at: new Date(T0).toISOString() });
    return account.accountId;
  };

  const plan = (apps: Record<string, AppAccessState>, locked = false): void => {
    access.planned.set('p1', { personId: 'p1', version: 1, apps, locked, plannedEvents: [] });
  };

  describe('outcomes', () => {
    it('applies a change, records actual access and one ledger event with its rule', async () => {
      // Act
      const disposition = await executor.execute(step('createAccount'));
      const actual = await access.getActual('p1', 'code');
      const events = await outcomes();

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls.map((c) => c.op)).toEqual(['createAccount']);
      expect(actual).toMatchObject({ status: 'active', accountId: 'acct-1' });
      expect(events.map((e) => [e.type, e.outcome, e.rule, e.eventId])).toEqual([['step.createAccount', 'applied', 'eng', `${step('createAccount').stepId}:applied`]]);
      expect(steps.records.get(step('createAccount').stepId)).toMatchObject({ status: 'done', outcome: 'applied', attempts: 1 });
    });

    it('skips a change that is already in place', async () => {
      // Prepare
      await existingAccount(['team:eng']);

      // Act
      const disposition = await executor.execute(step('grant', { entitlement: 'team:eng' }));
      const events = await outcomes();

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(events.map((e) => [e.outcome, e.detail?.outcomeReason])).toEqual([['skipped', 'already in place']]);
      expect((await access.getActual('p1', 'code'))?.entitlements).toEqual(['team:eng']);
    });

    it('records "applied, confirmed on retry" when a retry finds the change made by the failed attempt', async () => {
      // Prepare: the first call times out, but the vendor made the change anyway.
      const accountId = await existingAccount();
      code.failNext = { error: new ConnectorError('timeout', 'code: no answer'), times: 1 };
      const grant = step('grant', { entitlement: 'team:eng' });
      const first = await executor.execute(grant);
      code.accounts.get(accountId)?.account.entitlements.push('team:eng');

      // Act
      const second = await executor.execute(grant);
      const events = await outcomes();

      // Assess
      expect(first.kind).toBe('retry');
      expect(second).toEqual({ kind: 'done', outcome: 'applied' });
      expect(events.map((e) => [e.outcome, e.outcome === 'failed' ? e.detail?.error : e.detail?.outcomeReason])).toEqual([
        ['failed', 'timeout: code: no answer'],
        ['applied', 'confirmed on retry'],
      ]);
      expect((await access.getActual('p1', 'code'))?.entitlements).toEqual(['team:eng']);
    });

    it('treats a finished step delivered again as a duplicate and calls nothing', async () => {
      // Prepare
      await executor.execute(step('createAccount'));
      const calls = code.calls.length;
      const events = (await outcomes()).length;

      // Act
      const disposition = await executor.execute(step('createAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'duplicate' });
      expect(code.calls).toHaveLength(calls);
      expect(await outcomes()).toHaveLength(events);
    });
  });

  describe('failures', () => {
    it('retries a retryable error with back-off no shorter than Retry-After, recording "failed" once', async () => {
      // Prepare
      await existingAccount();
      code.failNext = { error: new ConnectorError('rateLimited', 'code: HTTP 429', { status: 429, retryAfterMs: 7_000 }), times: 2 };
      const grant = step('grant', { entitlement: 'team:eng' });

      // Act
      const first = await executor.execute(grant);
      const second = await executor.execute(grant);
      const third = await executor.execute(grant);
      const events = await outcomes();

      // Assess
      expect(first).toMatchObject({ kind: 'retry', reason: 'rateLimited: code: HTTP 429' });
      expect(first.kind === 'retry' && first.delayMs).toBeGreaterThanOrEqual(7_000);
      expect(second.kind === 'retry' && second.delayMs).toBeGreaterThanOrEqual(7_000);
      expect(third).toEqual({ kind: 'done', outcome: 'applied' });
      expect(events.map((e) => e.outcome)).toEqual(['failed', 'applied']);
      expect(steps.records.get(grant.stepId)).toMatchObject({ attempts: 3, status: 'done', lastError: 'rateLimited: code: HTTP 429' });
    });

    it('dead-letters a non-retryable error at once, with a ledger event and a dead letter', async () => {
      // Prepare
      await existingAccount();
      code.failNext = { error: new ConnectorError('auth', 'code: HTTP 401', { status: 401 }), times: 1 };
      const grant = step('grant', { entitlement: 'team:eng' });

      // Act
      const disposition = await executor.execute(grant);
      const events = await outcomes();

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(events.map((e) => [e.outcome, e.detail?.error, e.detail?.attempts])).toEqual([['dead-lettered', 'auth: code: HTTP 401', 1]]);
      expect(steps.letters.get(grant.stepId)).toEqual({ step: grant, deadLetteredAt: new Date(T0).toISOString(), attempts: 1, error: 'auth: code: HTTP 401' });
      expect(await executor.execute(grant)).toEqual({ kind: 'done', outcome: 'duplicate' });
    });

    it('dead-letters a retryable error on the last attempt (maxAttempts)', async () => {
      // Prepare
      await existingAccount();
      code.failNext = { error: new ConnectorError('unavailable', 'code: HTTP 503', { status: 503 }), times: 3 };
      const grant = step('grant', { entitlement: 'team:eng' });

      // Act
      const dispositions = [await executor.execute(grant), await executor.execute(grant), await executor.execute(grant)];
      const events = await outcomes();

      // Assess
      expect(dispositions.map((d) => d.kind)).toEqual(['retry', 'retry', 'done']);
      expect(dispositions[2]).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(events.map((e) => e.outcome)).toEqual(['failed', 'dead-lettered']);
      expect(steps.letters.get(grant.stepId)?.attempts).toBe(3);
    });

    it('retries an unexpected (non-connector) error', async () => {
      // Prepare
      await existingAccount();
      code.failNext = { error: new Error('socket hang up') as ConnectorError, times: 1 };

      // Act
      const disposition = await executor.execute(step('grant', { entitlement: 'team:eng' }));

      // Assess
      expect(disposition).toMatchObject({ kind: 'retry', reason: 'internal: socket hang up' });
    });

    it('dead-letters a grant when the person has no account (notFound)', async () => {
      // Act
      const disposition = await executor.execute(step('grant', { entitlement: 'team:eng' }));
      const events = await outcomes();

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(String(events[0]?.detail?.error)).toMatch(/^notFound: /);
      expect(code.calls).toEqual([]);
    });

    it('dead-letters a step for an app that is not configured', async () => {
      // Act
      const disposition = await executor.execute(step('createAccount', { app: 'gone' }));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect([...steps.letters.values()][0]?.error).toBe('no connector "gone" is configured');
    });
  });

  describe('waiting', () => {
    it('waits while the app is suspended, without counting an attempt', async () => {
      // Prepare
      steps.suspended.add('code');

      // Act
      const disposition = await executor.execute(step('createAccount'));
      steps.suspended.delete('code');
      executor.invalidateSuspensions();
      const resumed = await executor.execute(step('createAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'retry', delayMs: 5_000, reason: 'code is suspended' });
      expect(resumed).toEqual({ kind: 'done', outcome: 'applied' });
      expect(steps.records.get(step('createAccount').stepId)?.attempts).toBe(1);
    });

    it('runs lockout steps even while the app is suspended', async () => {
      // Prepare
      const accountId = await existingAccount();
      steps.suspended.add('code');

      // Act
      const disposition = await executor.execute(step('disableAccount', { priority: 'lockout' }));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.accounts.get(accountId)?.account.active).toBe(false);
    });

    it('waits for notBefore, without counting an attempt, then runs when due', async () => {
      // Prepare
      const accountId = await existingAccount();
      const deletion = step('deleteAccount', { notBefore: new Date(T0 + 2 * 86_400_000).toISOString() });

      // Act
      const early = await executor.execute(deletion);
      clock = T0 + 2 * 86_400_000 - 60_000;
      const later = await executor.execute(deletion);
      clock = T0 + 2 * 86_400_000;
      const due = await executor.execute(deletion);

      // Assess: SQS hides a message for at most 12 hours.
      expect(early).toEqual({ kind: 'retry', delayMs: 12 * 3_600_000, reason: 'not due yet' });
      expect(later).toEqual({ kind: 'retry', delayMs: 60_000, reason: 'not due yet' });
      expect(due).toEqual({ kind: 'done', outcome: 'applied' });
      expect(steps.records.get(deletion.stepId)?.attempts).toBe(1);
      expect(code.accounts.get(accountId)?.deleted).toBe(true);
      expect((await access.getActual('p1', 'code'))?.status).toBe('deleted');
    });

    it('waits exactly until notBefore when it is closer than 12 hours', async () => {
      // Act
      const disposition = await executor.execute(step('deleteAccount', { notBefore: new Date(T0 + 90_000).toISOString() }));

      // Assess
      expect(disposition).toEqual({ kind: 'retry', delayMs: 90_000, reason: 'not due yet' });
    });
  });

  describe('guards', () => {
    it('skips grants to a locked person but still runs removals', async () => {
      // Prepare
      await existingAccount(['team:old']);
      plan({ code: { status: 'disabled', entitlements: [] } }, true);

      // Act
      const grant = await executor.execute(step('grant', { entitlement: 'team:eng' }));
      const create = await executor.execute(step('createAccount'));
      const revoke = await executor.execute(step('revoke', { entitlement: 'team:old' }));
      const events = await outcomes();

      // Assess
      expect(grant).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(create).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(revoke).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls.map((c) => c.op)).toEqual(['revoke']);
      expect(events.slice(0, 2).map((e) => e.detail?.outcomeReason)).toEqual(['person is locked by the kill switch', 'person is locked by the kill switch']);
    });

    it('skips a disable or deletion when planned access says the app is active again', async () => {
      // Prepare: a rehire was planned after the leaver's steps.
      const accountId = await existingAccount();
      plan({ code: { status: 'active', entitlements: [] } });

      // Act
      const disable = await executor.execute(step('disableAccount'));
      const remove = await executor.execute(step('deleteAccount'));
      const events = await outcomes();

      // Assess
      expect(disable).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(remove).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(events.map((e) => e.detail?.outcomeReason)).toEqual(['the person has this app again', 'the person has this app again']);
      expect(code.calls).toEqual([]);
      expect(code.accounts.get(accountId)?.account.active).toBe(true);
    });

    it('still disables on the kill switch when planned access says active', async () => {
      // Prepare
      await existingAccount();
      plan({ code: { status: 'active', entitlements: [] } });

      // Act
      const disposition = await executor.execute(step('disableAccount', { priority: 'lockout' }));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
    });

    it('skips a revoke, session revocation or disable when there is no account', async () => {
      // Act
      const dispositions = [
        await executor.execute(step('revoke', { entitlement: 'team:eng' })),
        await executor.execute(step('revokeSessions')),
        await executor.execute(step('disableAccount')),
        await executor.execute(step('deleteAccount')),
      ];
      const events = await outcomes();

      // Assess
      expect(dispositions).toEqual(Array.from({ length: 4 }, () => ({ kind: 'done', outcome: 'skipped' })));
      expect(events.map((e) => e.detail?.outcomeReason)).toEqual(Array.from({ length: 4 }, () => 'no account in the app'));
      expect(code.calls).toEqual([]);
    });

    it('finds an account Perimeter has no record of by asking the app', async () => {
      // Prepare
      const accountId = await existingAccount([], false);

      // Act
      const disposition = await executor.execute(step('disableAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls).toEqual([{ op: 'disableAccount', key: step('disableAccount').stepId, accountId }]);
      expect(await access.getActual('p1', 'code')).toMatchObject({ status: 'disabled' });
    });
  });

  describe('account links', () => {
    it('takes an account the app finds for a person only when it correlates and no one else holds it', async () => {
      // Prepare: the app finds ann's name in an account p2's link holds.
      const accountId = await existingAccount([], false);
      await access.linkAccount('p2', 'code', accountId, new Date(T0).toISOString());

      // Act
      const disposition = await executor.execute(step('disableAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'skipped' });
      expect(code.calls).toEqual([]);
      expect(code.accounts.get(accountId)?.account.active).toBe(true);
    });

    it("refuses to adopt an account an older Perimeter recorded for another person, and logs the conflict by ids", async () => {
      // Prepare: p2's actual access names the account (written before links were recorded).
      const accountId = await existingAccount([], false);
      await access.applyActual('p2', 'code', { status: 'active', accountId, at: new Date(T0).toISOString() });
      const errors: [string, Record<string, unknown> | undefined][] = [];
      const logger: Logger = { ...silent, error: (message, fields) => errors.push([message, fields]) };
      const connectors = new ConnectorRuntime({
        configs: [connectorConfigSchema.parse({ id: 'code', type: 'memory', maxAttempts: 3 })],
        registry: new Map([['memory', memoryConnectorDefinition(apps)]]),
        accessToken: () => async () => 'token',
      });
      const logged = new StepExecutor({ connectors, access, steps, ledger: new Ledger(ledgerStore, () => new Date(clock)), logger, now: () => new Date(clock) });

      // Act
      const disposition = await logged.execute(step('createAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(code.calls.map((call) => call.op)).toEqual(['createAccount']);
      expect(access.links.get(JSON.stringify(['code', accountId]))).toBe('p2');
      expect(errors[0]).toEqual(['Account conflict', { stepId: step('createAccount').stepId, app: 'code', action: 'createAccount', personId: 'p1', accountId, holder: 'p2' }]);
      expect(JSON.stringify(errors)).not.toContain(ann.userName);
      expect((await steps.listDeadLetters(10)).letters[0]?.error).toMatch(/^account-conflict: code: account acct-9 is linked to person p2, not to person p1/);
    });

    it('refuses to act on an account two rows of an older Perimeter name, once one of them holds its link', async () => {
      // Prepare: the old adoption bug left p1 and p2 both recorded with acct-9; p2's step claims it first.
      const accountId = await existingAccount();
      await access.applyActual('p2', 'code', { status: 'active', accountId, at: new Date(T0).toISOString() });
      await executor.execute(step('revokeSessions', { personId: 'p2', eventId: 'evt-p2' }));

      // Act
      const disposition = await executor.execute(step('disableAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(code.calls.map((call) => call.op)).toEqual(['revokeSessions']);
      expect(code.accounts.get(accountId)?.account.active).toBe(true);
      expect(access.links.get(JSON.stringify(['code', accountId]))).toBe('p2');
    });

    it('links the account it creates, and a deletion releases the link', async () => {
      // Act
      await executor.execute(step('createAccount'));
      const linked = [...access.links.values()];
      await executor.execute(step('deleteAccount', { eventId: 'evt-2' }));

      // Assess
      expect(linked).toEqual(['p1']);
      expect(access.links.size).toBe(0);
      expect(await access.getActual('p1', 'code')).toMatchObject({ status: 'deleted', accountId: 'acct-1' });
    });

    it('moves the link when the account vanished from the app and is created again', async () => {
      // Prepare
      await executor.execute(step('createAccount'));
      const first = (await access.getActual('p1', 'code'))?.accountId ?? '';
      const gone = code.accounts.get(first);
      if (gone) gone.deleted = true;
      await access.applyActual('p1', 'code', { status: 'deleted', at: new Date(T0).toISOString() });

      // Act
      await executor.execute(step('updateAccount', { eventId: 'evt-2' }));

      // Assess
      const second = (await access.getActual('p1', 'code'))?.accountId ?? '';
      expect(second).not.toBe(first);
      expect([...access.links.entries()]).toEqual([[JSON.stringify(['code', second]), 'p1']]);
    });
  });

  describe("an orphan's step, which names its account", () => {
    /** Reconciliation's subject for an account no person holds: no email, no userName to look it up by. */
    const orphan: PersonSnapshot = { id: 'orphan:code:acct-x', userName: '', active: false };
    const orphanStep = (action: StepAction, extra: Partial<PlanStep> = {}): PlanStep =>
      step(action, { personId: orphan.id, person: orphan, accountId: 'acct-x', eventId: 'reconcile:r1:orphan:code:acct-x', reason: 'reconciliation: orphan account', ...extra });
    const orphanAccount = (): void => {
      code.accounts.set('acct-x', { account: { accountId: 'acct-x', userName: 'stray@example.com', active: true, entitlements: [] }, deleted: false });
    };

    it('disables exactly the named account without asking the app to find the person, and links nobody to it', async () => {
      // Prepare: ann's own account too, which the orphan's step must not touch.
      const mine = await existingAccount();
      orphanAccount();

      // Act
      const disposition = await executor.execute(orphanStep('disableAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls).toEqual([{ op: 'disableAccount', key: orphanStep('disableAccount').stepId, accountId: 'acct-x' }]);
      expect(code.accounts.get('acct-x')?.account.active).toBe(false);
      expect(code.accounts.get(mine)?.account.active).toBe(true);
      expect(await access.accountHolder('code', 'acct-x')).toBeUndefined();
      expect(await access.getActual(orphan.id, 'code')).toBeUndefined();
      const [event] = await ledgerStore.chain(`access#${orphan.id}#code`);
      expect(event).toMatchObject({ type: 'step.disableAccount', outcome: 'applied', detail: { accountId: 'acct-x', reason: 'reconciliation: orphan account' } });
    });

    it('deletes exactly the named account', async () => {
      // Prepare
      const mine = await existingAccount();
      orphanAccount();

      // Act
      const disposition = await executor.execute(orphanStep('deleteAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls.map((call) => [call.op, call.accountId])).toEqual([['deleteAccount', 'acct-x']]);
      expect(code.accounts.get('acct-x')?.deleted).toBe(true);
      expect(code.accounts.get(mine)?.deleted).toBe(false);
    });

    it("acts on a named account nobody holds without recording it on the person's row, which is about their own account", async () => {
      // Prepare: a leaver's linked account, and a second one the app holds under their name.
      const mine = await existingAccount();
      orphanAccount();

      // Act
      const disposition = await executor.execute(step('disableAccount', { accountId: 'acct-x', eventId: 'reconcile:r1:p1:acct-x', person: { ...ann, active: false } }));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.calls.map((call) => [call.op, call.accountId])).toEqual([['disableAccount', 'acct-x']]);
      expect(await access.getActual('p1', 'code')).toMatchObject({ status: 'active', accountId: mine });
      expect(await access.accountHolder('code', 'acct-x')).toBeUndefined();
    });

    it("refuses a named account another person's link has come to hold, and never calls the app", async () => {
      // Prepare: p2's create linked the account after reconciliation planned the step.
      orphanAccount();
      await access.linkAccount('p2', 'code', 'acct-x', new Date(T0).toISOString());

      // Act
      const disposition = await executor.execute(orphanStep('disableAccount'));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect((await steps.listDeadLetters(10)).letters[0]?.error).toMatch(/^account-conflict: code: account acct-x is linked to person p2, not to person orphan:code:acct-x/);
      expect(code.calls).toEqual([]);
      expect(code.accounts.get('acct-x')?.account.active).toBe(true);
    });

    it("acts on a named account the step's own person holds, and keeps it recorded as theirs", async () => {
      // Prepare: an inactive person's linked account, named by reconciliation.
      const mine = await existingAccount();

      // Act
      const disposition = await executor.execute(step('disableAccount', { accountId: mine, person: { ...ann, active: false } }));

      // Assess
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(await access.getActual('p1', 'code')).toMatchObject({ status: 'disabled', accountId: mine });
      expect(await access.accountHolder('code', mine)).toBe('p1');
    });

    it('disables the named account when its dead letter is replayed', async () => {
      // Prepare: the first try fails for good (an expired token), and the step is dead-lettered.
      orphanAccount();
      code.failNext = { error: new ConnectorError('auth', 'HTTP 401', { status: 401 }), times: 1 };
      const failed = await executor.execute(orphanStep('disableAccount'));
      const queue = new InMemoryStepQueue();

      // Act
      await replayDeadLetter({ steps, queue, ledger: new Ledger(ledgerStore, () => new Date(clock)) }, orphanStep('disableAccount').stepId, {
        actor: 'ops',
        requestId: 'req-1',
        operation: 'POST /admin/dead-letters/replay',
      });
      const [replayed] = queue.take();
      const disposition = await executor.execute(replayed?.step as PlanStep);

      // Assess
      expect(failed).toEqual({ kind: 'done', outcome: 'dead-lettered' });
      expect(replayed?.step.accountId).toBe('acct-x');
      expect(disposition).toEqual({ kind: 'done', outcome: 'applied' });
      expect(code.accounts.get('acct-x')?.account.active).toBe(false);
    });
  });
});
