import type { PlanStep } from './PlanStep.js';

export type AccountStatus = 'active' | 'disabled' | 'deleted';

/** One person's access in one app, as Perimeter last made or observed it. */
export interface AppAccessState {
  readonly status: AccountStatus;
  readonly entitlements: readonly string[];
  /** The app's id for the account, once known. */
  readonly accountId?: string;
}

/**
 * What a person will have once every queued step has run: the planner diffs policy against this,
 * not against what has executed so far, so two quick events never plan the same grant twice or miss
 * a revoke. Written with the plan it implies (an outbox), so a crash between planning and queueing
 * loses no step.
 */
export interface PlannedAccess {
  readonly personId: string;
  readonly version: number;
  readonly apps: Readonly<Record<string, AppAccessState>>;
  /** Kill switch: nothing is granted to a locked person until an admin unlocks them. */
  readonly locked: boolean;
  /** Recent lifecycle event ids already planned (redelivery plans nothing twice). */
  readonly plannedEvents: readonly string[];
  /** Steps planned but not yet confirmed queued. */
  readonly pendingSteps?: readonly PlanStep[];
}

/** What has actually been applied in an app (the executor's projection; the access matrix). */
export interface ActualAccess extends AppAccessState {
  readonly personId: string;
  readonly app: string;
  readonly updatedAt: string;
}

/** What linking an app account to a person came to: linked, or held by another person. */
export type AccountLinkOutcome = { readonly linked: true } | { readonly linked: false; readonly holder: string };
