import type { PersonSnapshot } from './PersonSnapshot.js';

export type StepAction =
  | 'createAccount'
  | 'updateAccount'
  | 'grant'
  | 'revoke'
  | 'revokeSessions'
  | 'transferOwnership'
  | 'disableAccount'
  | 'deleteAccount';

/**
 * One change in one app. The step id is derived from the lifecycle event, app, action and
 * entitlement, so re-planning the same event yields the same ids: it is the idempotency key from
 * queue to vendor.
 */
export interface PlanStep {
  readonly stepId: string;
  /** The lifecycle event (or admin action) the step serves. */
  readonly eventId: string;
  /** When the step was planned; bounds the ledger's duplicate check for its outcome. */
  readonly plannedAt: string;
  readonly personId: string;
  readonly app: string;
  readonly action: StepAction;
  /** Position among this app's steps for this event; steps of one app run in this order. */
  readonly sequence: number;
  readonly entitlement?: string;
  /** The policy rules that justify a grant or account; empty for removals. */
  readonly rules: readonly string[];
  /** Why, for people: "rule eng-github grants team:platform", "leaver: disable". */
  readonly reason: string;
  /** The person as the step should leave the app (create / update). */
  readonly person: PersonSnapshot;
  /** Do not run before this time (grace period before deletion). */
  readonly notBefore?: string;
  /** transferOwnership: the person (usually the manager) who receives the data. */
  readonly transferToPersonId?: string;
  /**
   * The app account the step acts on, when the planner knows it and the person may not lead to it:
   * reconciliation's orphans (an account no active person holds, whose subject may be synthetic and
   * carry none of the attributes the app keys accounts by). The executor acts on exactly this one.
   */
  readonly accountId?: string;
  /** Kill-switch steps run on their own lane, ahead of queued work. */
  readonly priority?: 'lockout';
}

export interface Plan {
  readonly personId: string;
  readonly eventId: string;
  readonly steps: readonly PlanStep[];
  /** Things the plan could not do and why (e.g. an app that cannot revoke sessions). */
  readonly notes: readonly string[];
}
