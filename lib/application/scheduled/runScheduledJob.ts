import type { HrEventApplier } from '../../hr/HrEventApplier.js';
import type { ScheduledJob } from '../../ports/Scheduler.js';
import type { StepQueue } from '../../ports/StepQueue.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';

export interface ScheduledJobDependencies {
  readonly queue: StepQueue;
  readonly hr: Pick<HrEventApplier, 'apply'>;
  readonly jobs: Pick<JobRunner, 'resume'>;
}

/**
 * Runs a one-time job the scheduler hands back when it is due: a delayed step goes onto the queue, a
 * dated HR change (a termination on the last day) takes effect, a background job runs its next
 * slice. All are idempotent, as the scheduler delivers at least once.
 */
export async function runScheduledJob(deps: ScheduledJobDependencies, job: ScheduledJob): Promise<string> {
  const { work } = job;
  switch (work.kind) {
    case 'step':
      await deps.queue.send([work.step]);
      break;
    case 'hr-event':
      await deps.hr.apply(work.event, { due: true });
      break;
    case 'job':
      await deps.jobs.resume(work.jobId, JOB_BUDGETS.scheduled);
      break;
  }
  return `job ${job.id}`;
}
