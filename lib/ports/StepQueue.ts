import type { PlanStep } from '../domain/PlanStep.js';

/**
 * The durable queue between planning and connectors. Steps of one person in one app are delivered
 * in order (one FIFO group); different apps and people run in parallel. Sending the same step id
 * twice queues it once. Kill-switch steps go to a lane that is served ahead of queued work.
 */
export interface StepQueue {
  send(steps: readonly PlanStep[]): Promise<void>;
}

/** The group a step is ordered within. */
export const stepGroupId = (step: Pick<PlanStep, 'personId' | 'app' | 'priority'>): string =>
  `${step.personId}#${step.app}${step.priority === 'lockout' ? '#lockout' : ''}`;
