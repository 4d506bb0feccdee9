import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import type { PlanStep, StepAction } from '../domain/PlanStep.js';
import { stepIdFor } from './stepIdFor.js';

/** What every step of one plan shares: the event it serves, whom it is for, when it was planned. */
export interface StepOrigin {
  readonly eventId: string;
  readonly person: PersonSnapshot;
  readonly now: Date;
  readonly priority?: PlanStep['priority'];
}

export type StepDetails = Partial<Pick<PlanStep, 'entitlement' | 'rules' | 'notBefore' | 'transferToPersonId' | 'accountId'>>;

/**
 * The one step factory: collects one app's steps in order, with ids derived from the event (so
 * planning the same event again yields the same ids) and sequence numbers (so the app's steps run
 * in that order). Lifecycle plans, the kill switch and reconciliation all build their steps here.
 */
export class AppSteps {
  private sequence = 0;

  public constructor(
    private readonly origin: StepOrigin,
    public readonly app: string,
    private readonly steps: PlanStep[],
  ) {}

  public add(action: StepAction, reason: string, extra: StepDetails = {}): void {
    this.steps.push({
      stepId: stepIdFor(this.origin.eventId, this.app, action, extra.entitlement, extra.accountId),
      eventId: this.origin.eventId,
      plannedAt: this.origin.now.toISOString(),
      personId: this.origin.person.id,
      app: this.app,
      action,
      sequence: this.sequence++,
      rules: extra.rules ?? [],
      reason,
      person: this.origin.person,
      ...(extra.entitlement !== undefined ? { entitlement: extra.entitlement } : {}),
      ...(extra.notBefore !== undefined ? { notBefore: extra.notBefore } : {}),
      ...(extra.transferToPersonId !== undefined ? { transferToPersonId: extra.transferToPersonId } : {}),
      ...(extra.accountId !== undefined ? { accountId: extra.accountId } : {}),
      ...(this.origin.priority ? { priority: this.origin.priority } : {}),
    });
  }
}
