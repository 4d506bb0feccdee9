import type { Scheduler } from '../../ports/Scheduler.js';
import { describeScheduledJob, type ScheduledJobView } from './describeScheduledJob.js';

/** One page of the scheduler's pending jobs, as the operator reads them. */
export async function listScheduledJobs(
  scheduler: Pick<Scheduler, 'list'>,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<{ jobs: ScheduledJobView[]; nextCursor?: string }> {
  const listed = await scheduler.list(page);
  const jobs = listed.jobs.map(describeScheduledJob);
  return listed.nextCursor === undefined ? { jobs } : { jobs, nextCursor: listed.nextCursor };
}
