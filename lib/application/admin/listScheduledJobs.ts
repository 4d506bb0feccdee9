import { InvalidCursorError } from '../../audit/InvalidCursorError.js';
import type { Scheduler } from '../../ports/Scheduler.js';
import { OperationError } from '../OperationError.js';
import { describeScheduledJob, type ScheduledJobView } from './describeScheduledJob.js';

/** One page of the scheduler's pending jobs, as the operator reads them; a cursor the scheduler refuses is 'invalid'. */
export async function listScheduledJobs(
  scheduler: Pick<Scheduler, 'list'>,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<{ jobs: ScheduledJobView[]; nextCursor?: string }> {
  const listed = await scheduler.list(page).catch((error: unknown) => {
    if (error instanceof InvalidCursorError) throw new OperationError('invalid', error.message, { cause: error });
    throw error;
  });
  const jobs = listed.jobs.map(describeScheduledJob);
  return listed.nextCursor === undefined ? { jobs } : { jobs, nextCursor: listed.nextCursor };
}
