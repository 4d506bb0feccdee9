import type { PlanStep } from '../../lib/domain/PlanStep.js';
import { type StepQueue, stepGroupId } from '../../lib/ports/StepQueue.js';
import { copy } from './storeSemantics.js';

/** A step as a consumer receives it: on a lane, within its FIFO group. */
export interface QueuedStep {
  readonly step: PlanStep;
  readonly group: string;
  readonly lane: 'lockout' | 'normal';
}

/**
 * The StepQueue contract in memory (test/contract/stepQueueContract.ts): FIFO per group, a step id
 * queued once while it waits, and the kill-switch lane served ahead of queued work.
 */
export class InMemoryStepQueue implements StepQueue {
  private readonly queued: QueuedStep[] = [];

  public async send(steps: readonly PlanStep[]): Promise<void> {
    for (const step of steps) {
      if (this.queued.some((waiting) => waiting.step.stepId === step.stepId)) continue;
      this.queued.push({ step: copy(step), group: stepGroupId(step), lane: step.priority === 'lockout' ? 'lockout' : 'normal' });
    }
  }

  /** Takes every waiting step as consumers receive them: the lockout lane first, each group in order. */
  public take(): QueuedStep[] {
    const taken = this.queued.splice(0);
    return [...taken.filter((entry) => entry.lane === 'lockout'), ...taken.filter((entry) => entry.lane === 'normal')];
  }
}
