import type { HrEventApplier } from '../../hr/HrEventApplier.js';
import type { ScheduledJob } from '../../ports/Scheduler.js';
import type { StepQueue } from '../../ports/StepQueue.js';

export interface ScheduledJobDependencies {
  readonly queue: StepQueue;
  readonly hr: Pick<HrEventApplier, 'apply'>;
}

/**
 * Runs a one-time job the scheduler hands back when it is due: a delayed step goes onto the queue, a
 * dated HR change (a termination on the last day) takes effect. Both are idempotent, as the
 * scheduler delivers at least once.
 */
export async function runScheduledJob(deps: ScheduledJobDependencies, job: ScheduledJob): Promise<string> {
  const { work } = job;
  if (work.kind === 'step') await deps.queue.send([work.step]);
  else await deps.hr.apply(work.event, { due: true });
  return `job ${job.id}`;
}
