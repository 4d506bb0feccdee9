import { isDeepStrictEqual } from 'node:util';
import type { PlannedAccess } from '../domain/AccessRecords.js';
import { AccessError } from '../domain/AccessError.js';
import type { PolicyRule } from '../config/perimeterConfigSchema.js';
import type { LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import { evaluatePolicy } from '../policy/evaluatePolicy.js';
import type { AccessStore } from '../ports/AccessStore.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { Scheduler } from '../ports/Scheduler.js';
import type { StepQueue } from '../ports/StepQueue.js';
import { AppSteps } from './AppSteps.js';
import { type AppCapabilities, computePlan, type LeaverSettings, type PlanResult } from './computePlan.js';
import type { Plan, PlanStep, StepAction } from '../domain/PlanStep.js';

export interface PlannerDependencies {
  readonly access: AccessStore;
  readonly directory: DirectoryStore;
  readonly queue: StepQueue;
  readonly scheduler: Scheduler;
  readonly rules: readonly PolicyRule[];
  readonly leaver: LeaverSettings;
  readonly capabilities: () => ReadonlyMap<string, AppCapabilities>;
  /** Apps in import mode (ImportingApps): their creates and grants are held back. */
  readonly importing?: () => Promise<ReadonlySet<string>>;
  readonly now?: () => Date;
}

/** One fix reconciliation asks for; the planner turns it into a step. */
export interface AccessCorrection {
  readonly action: Extract<StepAction, 'createAccount' | 'disableAccount' | 'grant' | 'revoke'>;
  readonly reason: string;
  readonly entitlement?: string;
  /** The app account to act on (an orphan's): the step names it, so the executor needs no lookup. */
  readonly accountId?: string;
}

/** Steps due further out than this go to the scheduler instead of waiting on the queue. */
const SCHEDULE_AFTER_MS = 15 * 60_000;
const REMEMBERED_EVENTS = 50;
const MAX_ATTEMPTS = 8;

/**
 * Turns lifecycle events into queued steps. Planned access and the steps it implies are written
 * together (conditional on the version read, so concurrent events for one person serialise), then
 * queued, then marked queued: a crash at any point is finished by `recover`, and an event planned
 * once is never planned again.
 */
export class Planner {
  private readonly now: () => Date;

  public constructor(private readonly deps: PlannerDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Plans and queues the steps for a lifecycle event; returns undefined if it was planned before. */
  public async planEvent(event: LifecycleEvent): Promise<Plan | undefined> {
    // No app is configured: nothing to plan, and no need to read anyone's planned access.
    if (this.deps.capabilities().size === 0) return undefined;
    const person = event.after ?? (event.before ? { ...event.before, active: false } : undefined);
    if (!person) return undefined;
    return this.plan(person.id, event.eventId, async (planned) =>
      // The kill switch is meant to be lifted with the person's access as it was: while it holds,
      // an event about someone still employed neither grants nor takes away (no revokes, and no
      // deletions a leaver plan's grace period would schedule). A leaver's plan still runs.
      planned.locked && person.active ? lockedResult(person.id, event.eventId, planned) : this.policyDiff(person, event.eventId, planned, { changes: event.changes }),
    );
  }

  /**
   * Convergence on demand: the steps that bring one person's planned access to what policy wants
   * now, planned like an event without changes (so no account updates), for people whose access no
   * event ever planned (they joined before the app or rule existed). Inactive people get the leaver
   * actions only where they still hold access; a locked person gets nothing, because the kill
   * switch's lock must neither be undone by a grant nor turned into deletions behind the operator's
   * back. `app` narrows the steps and the planned access written to that app. Each person's event
   * id is `converge:<runId>:<personId>` (step ids derive from the event id, not the person, so a
   * run-wide id would give every person the same step ids); a run planned once is never planned
   * again for that person.
   */
  public async converge(person: PersonSnapshot, runId: string, options: { readonly app?: string } = {}): Promise<Plan | undefined> {
    const eventId = `converge:${runId}:${person.id}`;
    if (this.deps.capabilities().size === 0) return { personId: person.id, eventId, steps: [], notes: [] };
    return this.plan(person.id, eventId, async (planned) => this.convergence(person, eventId, planned, options.app));
  }

  /** A dry run of `converge`: the same steps (event id `preview`), written nowhere. */
  public async previewConvergence(person: PersonSnapshot, options: { readonly app?: string } = {}): Promise<Plan> {
    const planned = (await this.deps.access.getPlanned(person.id)) ?? { personId: person.id, version: 0, apps: {}, locked: false, plannedEvents: [] };
    return (await this.convergence(person, 'preview', planned, options.app)).plan;
  }

  /**
   * The kill switch: lock the person (nothing is granted until unlocked) and queue session
   * revocation and disabling in every connected app on the priority lane.
   */
  public async lockout(person: PersonSnapshot, requestId: string): Promise<Plan> {
    const plan = await this.plan(person.id, `lockout:${requestId}`, async (planned) =>
      computePlan({
        eventId: `lockout:${requestId}`,
        person,
        changes: [],
        desired: new Map(),
        planned: planned.apps,
        leaver: this.deps.leaver,
        capabilities: this.deps.capabilities(),
        now: this.now(),
        lockout: true,
      }),
      true,
    );
    return plan ?? { personId: person.id, eventId: `lockout:${requestId}`, steps: [], notes: ['already requested'] };
  }

  /**
   * Corrections of one person's access in one app that reconciliation found (an orphan account to
   * disable, entitlements to revoke or grant), planned like any other change: built by the same step
   * factory, written with the person's planned access (so a crash before queueing is finished by
   * `recover`) and never planned twice for the same `eventId`.
   */
  public async planCorrections(person: PersonSnapshot, app: string, eventId: string, corrections: readonly AccessCorrection[]): Promise<Plan | undefined> {
    return this.plan(person.id, eventId, async (planned) => {
      const steps: PlanStep[] = [];
      const builder = new AppSteps({ eventId, person, now: this.now() }, app, steps);
      for (const correction of corrections) {
        builder.add(correction.action, correction.reason, {
          ...(correction.entitlement !== undefined ? { entitlement: correction.entitlement } : {}),
          ...(correction.accountId !== undefined ? { accountId: correction.accountId } : {}),
        });
      }
      const next = { ...planned.apps };
      const have = planned.apps[app];
      if (have?.status === 'active' && corrections.some((correction) => correction.action === 'disableAccount')) next[app] = { ...have, status: 'disabled' };
      return { plan: { personId: person.id, eventId, steps, notes: [] }, next };
    });
  }

  /** Lifts the kill switch; access returns with the person's next lifecycle event or a re-plan. */
  public async unlock(personId: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const planned = await this.deps.access.getPlanned(personId);
      if (!planned?.locked) return;
      try {
        await this.deps.access.putPlanned({ ...planned, version: planned.version + 1, locked: false });
        return;
      } catch (error) {
        if (!(error instanceof AccessError && error.code === 'versionMismatch')) throw error;
      }
    }
  }

  /** A dry run: the steps an event would produce for this person, written nowhere. */
  public async preview(person: PersonSnapshot, options: { groups?: readonly string[]; changes?: readonly string[] } = {}): Promise<Plan> {
    const planned = await this.deps.access.getPlanned(person.id);
    return (await this.policyDiff(person, 'preview', { apps: planned?.apps ?? {}, locked: planned?.locked ?? false }, options)).plan;
  }

  /** Queues steps a crash left planned but unqueued; returns how many plans it finished. */
  public async recover(limit = 100): Promise<number> {
    let finished = 0;
    for (const planned of await this.deps.access.listPendingPlans(limit)) {
      const current = await this.deps.access.getPlanned(planned.personId);
      if (current?.pendingSteps?.length) {
        await this.dispatch(current.pendingSteps);
        await this.deps.access.clearPendingSteps(current.personId, current.version);
        finished++;
      }
    }
    return finished;
  }

  /** Policy's desired access against planned access: the one diff events, previews and convergence share. */
  private async policyDiff(
    person: PersonSnapshot,
    eventId: string,
    planned: Pick<PlannedAccess, 'apps' | 'locked'>,
    options: { groups?: readonly string[]; changes?: readonly string[] } = {},
  ): Promise<PlanResult> {
    const groups = options.groups ?? (await this.groupsOf(person.id));
    const importing = await this.deps.importing?.();
    return computePlan({
      eventId,
      person,
      changes: options.changes ?? [],
      desired: evaluatePolicy(this.deps.rules, { person, groups }, planned.locked),
      planned: planned.apps,
      leaver: this.deps.leaver,
      capabilities: this.deps.capabilities(),
      now: this.now(),
      ...(person.manager ? { managerPersonId: person.manager } : {}),
      ...(importing?.size ? { importing } : {}),
    });
  }

  private async convergence(person: PersonSnapshot, eventId: string, planned: PlannedAccess, app: string | undefined): Promise<PlanResult> {
    if (planned.locked) return lockedResult(person.id, eventId, planned);
    const result = await this.policyDiff(person, eventId, planned);
    if (app === undefined) return result;
    // Only this app's part: the other apps' planned access stays as it was, for their own run.
    const next = { ...planned.apps };
    const state = result.next[app];
    if (state) next[app] = state;
    return {
      plan: { ...result.plan, steps: result.plan.steps.filter((step) => step.app === app), notes: result.plan.notes.filter((note) => note.startsWith(`${app}:`)) },
      next,
    };
  }

  private async plan(
    personId: string,
    eventId: string,
    compute: (planned: PlannedAccess) => Promise<PlanResult>,
    lock = false,
  ): Promise<Plan | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const planned = (await this.deps.access.getPlanned(personId)) ?? { personId, version: 0, apps: {}, locked: false, plannedEvents: [] };
      if (planned.pendingSteps?.length) {
        // An earlier plan was written but maybe not queued (crash): finish it first, in order.
        await this.dispatch(planned.pendingSteps);
        await this.deps.access.clearPendingSteps(personId, planned.version);
        continue;
      }
      if (planned.plannedEvents.includes(eventId)) return undefined;
      const { plan, next } = await compute(planned);
      // Nothing to do and nothing to remember: skip the write (most events touch no app).
      if (plan.steps.length === 0 && !lock && isDeepStrictEqual(next, planned.apps)) return plan;
      const version = planned.version + 1;
      try {
        await this.deps.access.putPlanned({
          personId,
          version,
          apps: next,
          locked: planned.locked || lock,
          plannedEvents: [...planned.plannedEvents, eventId].slice(-REMEMBERED_EVENTS),
          ...(plan.steps.length ? { pendingSteps: plan.steps } : {}),
        });
      } catch (error) {
        if (error instanceof AccessError && error.code === 'versionMismatch') continue;
        throw error;
      }
      if (plan.steps.length) {
        await this.dispatch(plan.steps);
        await this.deps.access.clearPendingSteps(personId, version);
      }
      return plan;
    }
    throw new AccessError('versionMismatch', `Could not plan for ${personId}: too many concurrent changes`);
  }

  private async dispatch(steps: readonly PlanStep[]): Promise<void> {
    const horizon = this.now().getTime() + SCHEDULE_AFTER_MS;
    const later = steps.filter((step) => step.notBefore !== undefined && Date.parse(step.notBefore) > horizon);
    const now = steps.filter((step) => !later.includes(step));
    if (now.length) await this.deps.queue.send(now);
    for (const step of later) {
      await this.deps.scheduler.schedule({ id: `step-${step.stepId}`, runAt: step.notBefore as string, work: { kind: 'step', step } });
    }
  }

  private async groupsOf(personId: string): Promise<string[]> {
    const ids = await this.deps.directory.groupIdsOf(personId);
    if (ids.length === 0) return [];
    const groups = await this.deps.directory.getGroups(ids);
    return [...ids, ...groups.map((group) => group.displayName)];
  }
}

/** Nothing planned while the kill switch holds; the note says why. */
function lockedResult(personId: string, eventId: string, planned: Pick<PlannedAccess, 'apps'>): PlanResult {
  return { plan: { personId, eventId, steps: [], notes: ['locked by the kill switch: nothing is planned until it is lifted'] }, next: { ...planned.apps } };
}
