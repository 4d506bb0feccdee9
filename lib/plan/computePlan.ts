import type { AppAccessState } from '../domain/AccessRecords.js';
import type { LeaverPlan } from '../config/perimeterConfigSchema.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import type { DesiredAccess, DesiredApp } from '../policy/DesiredAccess.js';
import type { Plan, PlanStep } from '../domain/PlanStep.js';
import { AppSteps } from './AppSteps.js';

/** What an app's connector can do (from its capability interfaces). */
export interface AppCapabilities {
  readonly accounts: boolean;
  readonly entitlements: boolean;
  readonly sessions: boolean;
  readonly ownership: boolean;
}

export interface LeaverSettings {
  readonly default: LeaverPlan;
  readonly apps: Readonly<Record<string, LeaverPlan>>;
}

export interface PlanInput {
  readonly eventId: string;
  readonly person: PersonSnapshot;
  /** Snapshot attributes the event changed ("groups" for memberships); drives account updates. */
  readonly changes: readonly string[];
  readonly desired: DesiredAccess;
  /** Access once all queued steps have run (see PlannedAccess). */
  readonly planned: Readonly<Record<string, AppAccessState>>;
  readonly leaver: LeaverSettings;
  /** The configured apps and what their connectors can do. */
  readonly capabilities: ReadonlyMap<string, AppCapabilities>;
  readonly now: Date;
  /** Receives a leaver's data where the app can transfer ownership. */
  readonly managerPersonId?: string;
  /** Kill switch: revoke sessions and disable in every app, on the priority lane. */
  readonly lockout?: boolean;
  /** Apps in import mode: nothing is provisioned there until their import is approved. */
  readonly importing?: ReadonlySet<string>;
}

export interface PlanResult {
  readonly plan: Plan;
  /** Planned access after these steps. */
  readonly next: Record<string, AppAccessState>;
}

const DAY_MS = 86_400_000;

/**
 * The diff between what policy wants and what is (or will be, once queued steps run) in each app,
 * as ordered steps per app. Joiners get accounts and their entitlements; movers gain what a rule
 * now grants and lose what no rule still justifies; leavers (and movers who lost an app) get the
 * app's leaver actions. Pure: the same input always yields the same steps and step ids.
 */
export function computePlan(input: PlanInput): PlanResult {
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const next: Record<string, AppAccessState> = { ...input.planned };
  const apps = new Set([...input.desired.keys(), ...Object.keys(input.planned)]);
  if (input.lockout) for (const app of input.capabilities.keys()) apps.add(app);

  for (const app of [...apps].sort()) {
    const capabilities = input.capabilities.get(app);
    if (!capabilities) {
      notes.push(`${app}: no connector is configured any more; its access is left as it is`);
      continue;
    }
    const builder = new AppSteps({ eventId: input.eventId, person: input.person, now: input.now, ...(input.lockout ? { priority: 'lockout' as const } : {}) }, app, steps);
    const have = input.planned[app];
    const want = input.desired.get(app);
    if (input.lockout) {
      next[app] = lockout(builder, capabilities, have, notes);
    } else if (want && input.importing?.has(app)) {
      // Held back, planned access unchanged: convergence after the approval plans what is missing,
      // and acts on the accounts the import linked instead of creating second ones.
      notes.push(`${app}: its existing accounts are being imported; access is provisioned once the import is approved`);
    } else if (want) {
      next[app] = provision(builder, capabilities, want, have, input.changes, notes);
    } else if (have && have.status !== 'deleted') {
      next[app] = removeAccess(builder, capabilities, have, input, notes);
    }
  }
  return { plan: { personId: input.person.id, eventId: input.eventId, steps, notes }, next };
}

function provision(
  steps: AppSteps,
  capabilities: AppCapabilities,
  want: DesiredApp,
  have: AppAccessState | undefined,
  changes: readonly string[],
  notes: string[],
): AppAccessState {
  const rules = [...new Set(want.accountRules)].sort();
  const hasAccount = have !== undefined && have.status === 'active';
  if (!hasAccount) {
    if (!capabilities.accounts) {
      notes.push(`${steps.app}: the connector cannot create accounts; ${rules.join(', ')} cannot be applied`);
      return have ?? { status: 'deleted', entitlements: [] };
    }
    steps.add('createAccount', `rule ${rules.join(', ')} grants an account`, { rules });
  } else if (capabilities.accounts && changes.some((change) => change !== 'groups')) {
    steps.add('updateAccount', `profile changed: ${changes.filter((c) => c !== 'groups').join(', ')}`, { rules });
  }
  const current = new Set(hasAccount ? have.entitlements : []);
  const wanted = [...want.entitlements.keys()].sort();
  if (!capabilities.entitlements) {
    if (wanted.length > 0) notes.push(`${steps.app}: the connector cannot manage entitlements; ${wanted.join(', ')} not granted`);
    return { status: 'active', entitlements: [...current] };
  }
  for (const entitlement of wanted) {
    if (current.has(entitlement)) continue;
    const by = [...(want.entitlements.get(entitlement) ?? [])].sort();
    steps.add('grant', `rule ${by.join(', ')} grants ${entitlement}`, { entitlement, rules: by });
  }
  for (const entitlement of [...current].sort()) {
    if (want.entitlements.has(entitlement)) continue;
    steps.add('revoke', `no rule justifies ${entitlement} any more`, { entitlement });
  }
  return { status: 'active', entitlements: wanted };
}

/** A leaver, or a mover no rule gives this app any more: the app's leaver actions, in order. */
function removeAccess(
  steps: AppSteps,
  capabilities: AppCapabilities,
  have: AppAccessState,
  input: PlanInput,
  notes: string[],
): AppAccessState {
  const plan = input.leaver.apps[steps.app] ?? input.leaver.default;
  // Already disabled with nothing left to take away: a later event for a leaver changes nothing.
  if (have.status !== 'active' && have.entitlements.length === 0) return have;
  const why = input.person.active ? 'no rule grants this app any more' : 'leaver';
  let state: AppAccessState = have;
  for (const action of plan.actions) {
    switch (action) {
      case 'revokeSessions':
        if (capabilities.sessions) steps.add('revokeSessions', `${why}: end open sessions`);
        else notes.push(`${steps.app}: the connector cannot revoke sessions`);
        break;
      case 'transferOwnership':
        if (!capabilities.ownership) notes.push(`${steps.app}: the connector cannot transfer ownership`);
        else if (!input.managerPersonId) notes.push(`${steps.app}: no manager to transfer ownership to`);
        else steps.add('transferOwnership', `${why}: hand data to the manager`, { transferToPersonId: input.managerPersonId });
        break;
      case 'revokeEntitlements':
        if (!capabilities.entitlements) break;
        for (const entitlement of [...state.entitlements].sort()) steps.add('revoke', `${why}: revoke ${entitlement}`, { entitlement });
        state = { ...state, entitlements: [] };
        break;
      // A connector that cannot manage accounts would only dead-letter these: noted below instead.
      case 'disable':
        if (!capabilities.accounts) break;
        if (state.status === 'active') steps.add('disableAccount', `${why}: disable the account`);
        state = { ...state, status: state.status === 'active' ? 'disabled' : state.status };
        break;
      case 'delete':
        if (!capabilities.accounts) break;
        steps.add('deleteAccount', `${why}: delete the account`);
        state = { ...state, status: 'deleted', entitlements: [] };
        break;
    }
  }
  if (plan.deleteAfterDays !== undefined && capabilities.accounts && state.status !== 'deleted') {
    const notBefore = new Date(input.now.getTime() + plan.deleteAfterDays * DAY_MS).toISOString();
    steps.add('deleteAccount', `${why}: delete after the ${plan.deleteAfterDays}-day grace period`, { notBefore });
    // Until then the account exists (disabled); a rehire in the grace period re-enables it.
  }
  if (!capabilities.accounts && plan.actions.some((a) => a === 'disable' || a === 'delete')) {
    notes.push(`${steps.app}: the connector cannot disable or delete accounts`);
  }
  return state;
}

function lockout(steps: AppSteps, capabilities: AppCapabilities, have: AppAccessState | undefined, notes: string[]): AppAccessState {
  if (capabilities.sessions) steps.add('revokeSessions', 'kill switch: end open sessions');
  else notes.push(`${steps.app}: the connector cannot revoke sessions`);
  if (capabilities.accounts) steps.add('disableAccount', 'kill switch: disable the account');
  else notes.push(`${steps.app}: the connector cannot disable accounts`);
  return { status: have?.status === 'deleted' ? 'deleted' : 'disabled', entitlements: have?.entitlements ?? [] };
}
