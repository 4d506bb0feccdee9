import { beforeEach, describe, expect, it } from 'vitest';
import { AccessError } from '../../../lib/domain/AccessError.js';
import type { PlannedAccess } from '../../../lib/domain/AccessRecords.js';
import type { PolicyRule } from '../../../lib/config/perimeterConfigSchema.js';
import { DEFAULT_LEAVER_PLAN } from '../../../lib/config/perimeterConfigSchema.js';
import type { GroupRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { LifecycleEvent } from '../../../lib/domain/LifecycleEvent.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import type { AppCapabilities, LeaverSettings } from '../../../lib/plan/computePlan.js';
import { Planner } from '../../../lib/plan/Planner.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import type { DirectoryStore } from '../../../lib/ports/DirectoryStore.js';
import type { ScheduledJob, ScheduledJobPage, Scheduler } from '../../../lib/ports/Scheduler.js';
import type { StepQueue } from '../../../lib/ports/StepQueue.js';
import { InMemoryAccessStore } from '../../fakes/InMemoryAccessStore.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const FULL: AppCapabilities = { accounts: true, entitlements: true, sessions: true, ownership: true };

/** Records what was queued; can be told to fail the next sends (a crash before queueing). */
class FakeQueue implements StepQueue {
  public readonly sent: PlanStep[][] = [];
  public failNext = 0;

  public async send(steps: readonly PlanStep[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('queue unavailable');
    }
    this.sent.push([...steps]);
  }

  public all(): PlanStep[] {
    return this.sent.flat();
  }
}

class FakeScheduler implements Scheduler {
  public readonly jobs = new Map<string, ScheduledJob>();

  public async schedule(job: ScheduledJob): Promise<void> {
    this.jobs.set(job.id, job);
  }

  public async cancel(jobId: string): Promise<void> {
    this.jobs.delete(jobId);
  }

  public async get(jobId: string): Promise<ScheduledJob | undefined> {
    return this.jobs.get(jobId);
  }

  /** The planner never lists: every job on one page. */
  public async list(): Promise<ScheduledJobPage> {
    return { jobs: [...this.jobs.values()] };
  }
}

/** Only what the planner reads from the directory: a person's groups. */
class FakeDirectory implements Pick<DirectoryStore, 'groupIdsOf' | 'getGroups'> {
  public readonly memberships = new Map<string, string[]>();
  public readonly groups = new Map<string, string>();

  public async groupIdsOf(memberId: string): Promise<string[]> {
    return this.memberships.get(memberId) ?? [];
  }

  public async getGroups(ids: readonly string[]): Promise<GroupRecord[]> {
    return ids
      .filter((id) => this.groups.has(id))
      .map((id) => ({ id, displayName: this.groups.get(id) as string, version: 1, created: '', lastModified: '', attributes: {} }));
  }
}

const rules: PolicyRule[] = [
  { id: 'everyone', when: {}, grant: [{ app: 'chat', entitlements: [] }] },
  { id: 'platform', when: { department: 'Engineering', groups: 'Platform' }, grant: [{ app: 'code', entitlements: ['team:platform'] }] },
];

const ann: PersonSnapshot = { id: 'p1', userName: 'ann@example.com', active: true, department: 'Engineering', manager: 'm1' };

const event = (eventId: string, kind: LifecycleEvent['kind'], before: PersonSnapshot | null, after: PersonSnapshot | null, changes: string[] = []): LifecycleEvent => ({
  eventId,
  kind,
  personId: 'p1',
  occurredAt: NOW.toISOString(),
  source: { channel: 'scim', actor: 'okta' },
  before,
  after,
  changes,
});

describe('Planner', () => {
  let access: InMemoryAccessStore;
  let directory: FakeDirectory;
  let queue: FakeQueue;
  let scheduler: FakeScheduler;
  let leaver: LeaverSettings;

  const planner = (): Planner =>
    new Planner({
      access,
      directory: directory as unknown as DirectoryStore,
      queue,
      scheduler,
      rules,
      leaver,
      capabilities: () => new Map([['chat', FULL], ['code', FULL]]),
      now: () => NOW,
    });

  beforeEach(() => {
    access = new InMemoryAccessStore();
    directory = new FakeDirectory();
    directory.groups.set('g1', 'Platform');
    directory.memberships.set('p1', ['g1']);
    queue = new FakeQueue();
    scheduler = new FakeScheduler();
    leaver = { default: DEFAULT_LEAVER_PLAN, apps: {} };
  });

  it('plans a joiner from their attributes and groups, queues the steps and remembers the event', async () => {
    // Act
    const plan = await planner().planEvent(event('e1', 'joiner', null, ann));
    const planned = access.planned.get('p1');

    // Assess
    expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount', 'code:createAccount', 'code:grant']);
    expect(queue.sent).toEqual([plan?.steps]);
    expect(planned).toEqual({
      personId: 'p1',
      version: 1,
      locked: false,
      plannedEvents: ['e1'],
      apps: { chat: { status: 'active', entitlements: [] }, code: { status: 'active', entitlements: ['team:platform'] } },
    });
  });

  it('plans an event once: re-planning the same event id does nothing', async () => {
    // Prepare
    const joiner = event('e1', 'joiner', null, ann);
    await planner().planEvent(joiner);
    const putsBefore = access.puts.length;

    // Act
    const again = await planner().planEvent(joiner);

    // Assess
    expect(again).toBeUndefined();
    expect(queue.sent).toHaveLength(1);
    expect(access.puts).toHaveLength(putsBefore);
    expect(access.planned.get('p1')?.version).toBe(1);
  });

  it('re-reads and re-plans when another planner wrote first (versionMismatch)', async () => {
    // Prepare: a competing planner commits a plan for another event just before our write.
    await planner().planEvent(event('e1', 'joiner', null, { ...ann, department: 'Sales' }));
    const readsBefore = access.getPlannedCalls;
    let competed = false;
    access.beforePut = (next) => {
      if (competed) return;
      competed = true;
      const current = access.planned.get('p1') as PlannedAccess;
      access.planned.set('p1', {
        ...current,
        version: next.version,
        plannedEvents: [...current.plannedEvents, 'e-other'],
        apps: { ...current.apps, code: { status: 'active', entitlements: ['team:platform'] } },
      });
    };

    // Act: a mover into Engineering; the competitor already planned the code account.
    const plan = await planner().planEvent(event('e2', 'mover', { ...ann, department: 'Sales' }, ann, ['department']));
    const planned = access.planned.get('p1');

    // Assess
    expect(access.getPlannedCalls - readsBefore).toBe(2);
    expect(access.puts.slice(-2).map((p) => p.version)).toEqual([2, 3]);
    // The losing write had planned the code account; the re-read plan does not plan it twice.
    expect(access.puts.at(-2)?.pendingSteps?.map((s) => `${s.app}:${s.action}`)).toContain('code:createAccount');
    expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:updateAccount', 'code:updateAccount']);
    expect(planned?.version).toBe(3);
    expect(planned?.plannedEvents).toEqual(['e1', 'e-other', 'e2']);
  });

  it('retries a putPlanned that fails once with versionMismatch', async () => {
    // Prepare
    let failures = 1;
    access.beforePut = () => {
      if (failures-- > 0) throw new AccessError('versionMismatch', 'changed concurrently');
    };

    // Act
    const plan = await planner().planEvent(event('e1', 'joiner', null, ann));

    // Assess
    expect(access.getPlannedCalls).toBe(2);
    expect(access.puts).toHaveLength(2);
    expect(plan?.steps).toHaveLength(3);
    expect(queue.sent).toHaveLength(1);
    expect(access.planned.get('p1')?.version).toBe(1);
  });

  it('gives up after repeated version conflicts, and rethrows other store failures', async () => {
    // Prepare
    access.beforePut = () => {
      throw new AccessError('versionMismatch', 'changed concurrently');
    };

    // Act
    const conflict = await planner().planEvent(event('e1', 'joiner', null, ann)).catch((error: unknown) => error);
    access.beforePut = () => {
      throw new AccessError('unavailable', 'down');
    };
    const unavailable = await planner().planEvent(event('e1', 'joiner', null, ann)).catch((error: unknown) => error);

    // Assess
    expect(conflict).toMatchObject({ name: 'AccessError', code: 'versionMismatch' });
    expect(unavailable).toMatchObject({ name: 'AccessError', code: 'unavailable' });
    expect(queue.sent).toEqual([]);
  });

  it('finishes a plan a crash left unqueued with recover(), with the same step ids', async () => {
    // Prepare: the plan is written, then the queue fails (the process "crashes" there).
    queue.failNext = 1;
    const failed = await planner().planEvent(event('e1', 'joiner', null, ann)).catch((error: unknown) => error);
    const written = access.planned.get('p1');

    // Act
    const finished = await planner().recover();
    const again = await planner().recover();

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(written?.pendingSteps?.map((s) => s.stepId)).toHaveLength(3);
    expect(finished).toBe(1);
    expect(again).toBe(0);
    expect(queue.all().map((s) => s.stepId)).toEqual(written?.pendingSteps?.map((s) => s.stepId));
    expect(access.planned.get('p1')?.pendingSteps).toBeUndefined();
  });

  it('finishes an unqueued plan before planning the next event for the person', async () => {
    // Prepare
    queue.failNext = 1;
    await planner().planEvent(event('e1', 'joiner', null, ann)).catch(() => undefined);
    const pending = access.planned.get('p1')?.pendingSteps?.map((s) => s.stepId);

    // Act
    const plan = await planner().planEvent(event('e2', 'leaver', ann, { ...ann, active: false }, ['active']));

    // Assess
    expect(queue.sent.map((batch) => batch.map((s) => s.eventId)[0])).toEqual(['e1', 'e2']);
    expect(queue.sent[0]?.map((s) => s.stepId)).toEqual(pending);
    expect(plan?.steps.every((s) => s.eventId === 'e2')).toBe(true);
  });

  it('hands steps due more than 15 minutes out to the scheduler, not the queue', async () => {
    // Prepare
    leaver = { default: DEFAULT_LEAVER_PLAN, apps: { code: { actions: ['revokeEntitlements', 'disable'], deleteAfterDays: 30 }, chat: { actions: ['disable'], deleteAfterDays: 0 } } };
    await planner().planEvent(event('e1', 'joiner', null, ann));

    // Act
    const plan = await planner().planEvent(event('e2', 'leaver', ann, { ...ann, active: false }, ['active']));
    const later = plan?.steps.find((s) => s.app === 'code' && s.action === 'deleteAccount') as PlanStep;
    const dueNow = plan?.steps.find((s) => s.app === 'chat' && s.action === 'deleteAccount') as PlanStep;
    const queued = queue.sent[1]?.map((s) => s.stepId);

    // Assess
    expect(later.notBefore).toBe('2026-03-31T12:00:00.000Z');
    expect([...scheduler.jobs.values()]).toEqual([{ id: `step-${later.stepId}`, runAt: later.notBefore, work: { kind: 'step', step: later } }]);
    expect(queued).not.toContain(later.stepId);
    // Due now (a zero-day grace period): queued like any other step.
    expect(queued).toContain(dueNow.stepId);
    expect(queued).toHaveLength((plan?.steps.length ?? 0) - 1);
  });

  it('writes nothing for an event that changes no access', async () => {
    // Prepare: an inactive person with no planned access and no groups.
    const bob: PersonSnapshot = { id: 'p2', userName: 'bob@example.com', active: false };

    // Act
    const plan = await planner().planEvent({ ...event('e1', 'leaver', bob, bob), personId: 'p2' });

    // Assess
    expect(plan?.steps).toEqual([]);
    expect(access.puts).toEqual([]);
    expect(queue.sent).toEqual([]);
  });

  it('plans a deleted person (no "after") from their last snapshot as a leaver', async () => {
    // Prepare
    await planner().planEvent(event('e1', 'joiner', null, ann));

    // Act
    const plan = await planner().planEvent(event('e2', 'leaver', ann, null, []));
    const nothing = await planner().planEvent(event('e3', 'leaver', null, null, []));

    // Assess
    expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual([
      'chat:revokeSessions',
      'chat:disableAccount',
      'code:revokeSessions',
      'code:revoke',
      'code:disableAccount',
    ]);
    expect(plan?.steps.every((s) => s.person.active === false)).toBe(true);
    expect(nothing).toBeUndefined();
  });

  describe('kill switch', () => {
    it('locks the person and queues revocation on the lockout lane; then grants nothing', async () => {
      // Prepare
      await planner().planEvent(event('e1', 'joiner', null, ann));

      // Act
      const plan = await planner().lockout(ann, 'r1');
      const repeated = await planner().lockout(ann, 'r1');
      const mover = await planner().planEvent(event('e2', 'mover', ann, { ...ann, title: 'Lead' }, ['title']));

      // Assess
      expect(plan.steps.map((s) => `${s.priority}:${s.app}:${s.action}`)).toEqual([
        'lockout:chat:revokeSessions',
        'lockout:chat:disableAccount',
        'lockout:code:revokeSessions',
        'lockout:code:disableAccount',
      ]);
      expect(plan.eventId).toBe('lockout:r1');
      expect(queue.sent[1]).toEqual(plan.steps);
      expect(repeated).toEqual({ personId: 'p1', eventId: 'lockout:r1', steps: [], notes: ['already requested'] });
      expect(access.planned.get('p1')?.locked).toBe(true);
      expect(mover?.steps.filter((s) => ['createAccount', 'updateAccount', 'grant'].includes(s.action))).toEqual([]);
    });

    it('takes nothing away from a locked person who is still employed: a later event plans no revokes or deletions', async () => {
      // Prepare: ann holds both apps with an entitlement, is locked out, and the leaver plan deletes after 30 days
      leaver = { default: { actions: ['revokeSessions', 'revokeEntitlements', 'disable'], deleteAfterDays: 30 }, apps: {} };
      await planner().planEvent(event('e1', 'joiner', null, ann));
      await planner().lockout(ann, 'r1');
      const before = access.planned.get('p1')?.apps;

      // Act: HR changes her title while the lock holds
      const mover = await planner().planEvent(event('e2', 'mover', ann, { ...ann, title: 'Lead' }, ['title']));

      // Assess: the lock is meant to be lifted again, with her access as it was
      expect(mover?.steps ?? []).toEqual([]);
      expect(mover?.notes).toEqual(['locked by the kill switch: nothing is planned until it is lifted']);
      expect(access.planned.get('p1')?.apps).toEqual(before);
    });

    it('still runs the leaver plan for a locked person who leaves', async () => {
      await planner().planEvent(event('e1', 'joiner', null, ann));
      await planner().lockout(ann, 'r1');
      const left = await planner().planEvent(event('e2', 'leaver', ann, { ...ann, active: false }, ['active']));
      // The lockout disabled both accounts; what is left to take away is code's entitlement.
      expect(left?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['code:revokeSessions', 'code:revoke']);
    });

    it('unlock clears the lock, and the next event grants again', async () => {
      // Prepare
      await planner().lockout(ann, 'r1');
      const lockedVersion = access.planned.get('p1')?.version ?? 0;

      // Act
      await planner().unlock('p1');
      const afterUnlock = access.planned.get('p1');
      await planner().unlock('p1');
      const plan = await planner().planEvent(event('e2', 'mover', ann, { ...ann, title: 'Lead' }, ['title']));

      // Assess
      expect(afterUnlock?.locked).toBe(false);
      expect(afterUnlock?.version).toBe(lockedVersion + 1);
      expect(access.planned.get('p1')?.version).toBe(lockedVersion + 2);
      expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount', 'code:createAccount', 'code:grant']);
    });

    it('unlock of an unknown or unlocked person writes nothing', async () => {
      // Prepare
      await planner().planEvent(event('e1', 'joiner', null, ann));

      // Act
      await planner().unlock('nobody');
      await planner().unlock('p1');

      // Assess
      expect(access.puts).toHaveLength(1);
      expect(access.planned.get('p1')?.version).toBe(1);
    });
  });

  it('previews without writing or queueing anything', async () => {
    // Act
    const plan = await planner().preview(ann, { groups: [] });

    // Assess
    expect(plan.eventId).toBe('preview');
    expect(plan.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount']);
    expect(access.puts).toEqual([]);
    expect(queue.sent).toEqual([]);
  });
  describe('convergence on demand', () => {
    const bob: PersonSnapshot = { id: 'p2', userName: 'bob@example.com', active: true, department: 'Sales' };

    it('plans what policy wants and no event planned, once per run and person, queued with planned access', async () => {
      // Act: ann was never planned (she joined before the apps existed)
      const plan = await planner().converge(ann, 'run1');
      const sameRun = await planner().converge(ann, 'run1');
      const nextRun = await planner().converge(ann, 'run2');

      // Assess
      expect(plan?.eventId).toBe('converge:run1:p1');
      expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount', 'code:createAccount', 'code:grant']);
      expect(queue.sent).toEqual([plan?.steps]);
      expect(access.planned.get('p1')?.apps).toEqual({ chat: { status: 'active', entitlements: [] }, code: { status: 'active', entitlements: ['team:platform'] } });
      expect(access.planned.get('p1')?.plannedEvents).toEqual(['converge:run1:p1']);
      expect(sameRun).toBeUndefined();
      expect(nextRun?.steps).toEqual([]);
      expect(queue.sent).toHaveLength(1);
    });

    it('gives each person their own step ids within one run', async () => {
      // Act
      const forAnn = await planner().converge(ann, 'run1');
      const forBob = await planner().converge(bob, 'run1');

      // Assess
      const annChat = forAnn?.steps.find((s) => s.app === 'chat')?.stepId;
      const bobChat = forBob?.steps.find((s) => s.app === 'chat')?.stepId;
      expect(annChat).toBeDefined();
      expect(bobChat).not.toBe(annChat);
    });

    it('plans nothing for someone an event already converged, and writes nothing', async () => {
      // Prepare
      await planner().planEvent(event('e1', 'joiner', null, ann));
      const puts = access.puts.length;

      // Act
      const plan = await planner().converge(ann, 'run1');

      // Assess
      expect(plan?.steps).toEqual([]);
      expect(access.puts).toHaveLength(puts);
    });

    it("narrows to one app: only that app's steps and planned access", async () => {
      // Act
      const plan = await planner().converge(ann, 'run1', { app: 'code' });

      // Assess
      expect(plan?.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['code:createAccount', 'code:grant']);
      expect(Object.keys(access.planned.get('p1')?.apps ?? {})).toEqual(['code']);
    });

    it("gives an inactive person the leaver actions where they still hold access, and nothing where they don't", async () => {
      // Prepare: ann holds chat and code; bob holds nothing
      await planner().planEvent(event('e1', 'joiner', null, ann));
      queue.sent.length = 0;

      // Act
      const annLeft = await planner().converge({ ...ann, active: false }, 'run1');
      const bobLeft = await planner().converge({ ...bob, active: false }, 'run1');

      // Assess
      expect(annLeft?.steps.map((s) => `${s.app}:${s.action}`)).toEqual([
        'chat:revokeSessions',
        'chat:disableAccount',
        'code:revokeSessions',
        'code:revoke',
        'code:disableAccount',
      ]);
      expect(bobLeft?.steps).toEqual([]);
      expect(access.planned.has('p2')).toBe(false);
    });

    it('plans nothing for a locked person: no grant, and no leaver actions either', async () => {
      // Prepare
      await planner().lockout(ann, 'r1');
      const puts = access.puts.length;
      queue.sent.length = 0;

      // Act
      const plan = await planner().converge(ann, 'run1');
      const preview = await planner().previewConvergence(ann);

      // Assess
      expect(plan?.steps).toEqual([]);
      expect(plan?.notes).toEqual(['locked by the kill switch: nothing is planned until it is lifted']);
      expect(preview.steps).toEqual([]);
      expect(access.puts).toHaveLength(puts);
      expect(queue.sent).toEqual([]);
    });

    it('previews the same steps converge would plan, writing and queueing nothing', async () => {
      // Act
      const preview = await planner().previewConvergence(ann, { app: 'chat' });

      // Assess
      expect(preview.eventId).toBe('preview');
      expect(preview.steps.map((s) => `${s.app}:${s.action}`)).toEqual(['chat:createAccount']);
      expect(access.puts).toEqual([]);
      expect(queue.sent).toEqual([]);
    });
  });
  describe('reconciliation corrections', () => {
    it('plans corrections through the step factory, with planned access written and the run remembered', async () => {
      // Prepare: ann has chat; reconciliation finds two entitlements to correct.
      await planner().planEvent(event('e1', 'joiner', null, ann));
      queue.sent.length = 0;

      // Act
      const plan = await planner().planCorrections(ann, 'chat', 'reconcile:r1:p1', [
        { action: 'revoke', reason: 'reconciliation: no rule justifies group:admins', entitlement: 'group:admins' },
        { action: 'grant', reason: 'reconciliation: policy grants group:all', entitlement: 'group:all' },
      ]);
      const again = await planner().planCorrections(ann, 'chat', 'reconcile:r1:p1', [{ action: 'revoke', reason: 'again', entitlement: 'group:admins' }]);

      // Assess
      expect(plan?.steps.map((s) => [s.action, s.entitlement, s.sequence, s.eventId])).toEqual([
        ['revoke', 'group:admins', 0, 'reconcile:r1:p1'],
        ['grant', 'group:all', 1, 'reconcile:r1:p1'],
      ]);
      expect(new Set(plan?.steps.map((s) => s.stepId)).size).toBe(2);
      expect(queue.sent).toEqual([plan?.steps]);
      expect(access.planned.get('p1')?.plannedEvents).toContain('reconcile:r1:p1');
      expect(access.planned.get('p1')?.pendingSteps).toBeUndefined();
      expect(again).toBeUndefined();
    });

    it('marks an orphan account disabled in planned access', async () => {
      // Prepare
      await planner().planEvent(event('e1', 'joiner', null, ann));

      // Act
      await planner().planCorrections(ann, 'chat', 'reconcile:r2:p1', [{ action: 'disableAccount', reason: 'reconciliation: orphan account' }]);

      // Assess
      expect(access.planned.get('p1')?.apps.chat?.status).toBe('disabled');
    });

    it("names the orphan's account on its step, each account with its own step id", async () => {
      // Prepare: reconciliation's subject for accounts nobody holds carries no email or userName.
      const orphan = { id: 'orphan:chat:acct-7', userName: '', active: false };

      // Act
      const plan = await planner().planCorrections(orphan, 'chat', 'reconcile:r4:orphan', [
        { action: 'disableAccount', reason: 'reconciliation: orphan account', accountId: 'acct-7' },
        { action: 'disableAccount', reason: 'reconciliation: orphan account', accountId: 'acct-8' },
      ]);

      // Assess
      expect(plan?.steps.map((s) => [s.action, s.accountId, s.personId])).toEqual([
        ['disableAccount', 'acct-7', orphan.id],
        ['disableAccount', 'acct-8', orphan.id],
      ]);
      expect(new Set(plan?.steps.map((s) => s.stepId)).size).toBe(2);
      expect(queue.all().map((s) => s.accountId)).toEqual(['acct-7', 'acct-8']);
    });

    it('leaves corrections a crash kept off the queue for recovery to queue', async () => {
      // Prepare
      queue.failNext = 1;

      // Act
      const crashed = await planner()
        .planCorrections(ann, 'chat', 'reconcile:r3:p1', [{ action: 'disableAccount', reason: 'reconciliation: orphan account' }])
        .catch((error: unknown) => error);
      const pending = access.planned.get('p1')?.pendingSteps;
      const recovered = await planner().recover();

      // Assess
      expect(crashed).toBeInstanceOf(Error);
      expect(pending?.map((s) => s.action)).toEqual(['disableAccount']);
      expect(recovered).toBe(1);
      expect(queue.all().map((s) => s.action)).toEqual(['disableAccount']);
      expect(access.planned.get('p1')?.pendingSteps).toBeUndefined();
    });
  });
});
