import type { Ledger } from '../../ledger/Ledger.js';
import type { StepQueue } from '../../ports/StepQueue.js';
import type { StepStore } from '../../ports/StepStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { OperationError } from '../OperationError.js';
import { recordAdminAction } from './recordAdminAction.js';

export interface ReplayDeadLetterDependencies {
  readonly steps: Pick<StepStore, 'getDeadLetter' | 'reopenDeadLetter' | 'releaseDeadLetter'>;
  readonly queue: StepQueue;
  readonly ledger: Pick<Ledger, 'append'>;
}

/**
 * Runs a dead-lettered step again: its record is reopened (so a worker runs it from attempt 1, not
 * skips it as finished), the step is sent, and only then is the letter taken off the list. A failed
 * send, or a crash before the release, leaves the letter listed to replay again (sending is
 * idempotent by step id). Releasing before the send, as this once did, lost the step when the send
 * failed.
 */
export async function replayDeadLetter(deps: ReplayDeadLetterDependencies, stepId: string, request: AdminRequest): Promise<{ readonly stepId: string; readonly replayed: true }> {
  const letter = await deps.steps.getDeadLetter(stepId);
  if (!letter) throw new OperationError('notFound', `No dead letter for step ${stepId}`);
  await deps.steps.reopenDeadLetter(stepId);
  await deps.queue.send([letter.step]);
  await deps.steps.releaseDeadLetter(letter);
  await recordAdminAction(deps.ledger, request, {
    chain: `person#${letter.step.personId}`,
    type: 'admin.replay',
    personId: letter.step.personId,
    app: letter.step.app,
    detail: { stepId: letter.step.stepId, action: letter.step.action },
  });
  return { stepId: letter.step.stepId, replayed: true };
}
