import type { Ledger } from '../../ledger/Ledger.js';
import type { Scheduler } from '../../ports/Scheduler.js';
import type { AdminRequest } from '../AdminRequest.js';
import { OperationError } from '../OperationError.js';
import { describeScheduledJob, type ScheduledJobView } from './describeScheduledJob.js';
import { recordAdminAction } from './recordAdminAction.js';

export interface CancelScheduledJobDependencies {
  readonly scheduler: Pick<Scheduler, 'get' | 'cancel'>;
  readonly ledger: Pick<Ledger, 'append'>;
}

/**
 * Cancels one pending job, with the operator's reason, in the ledger: on the person's chain when
 * the job is about a person (a termination called off shows in their history), else on
 * `scheduler`. A job that is not pending (never was, ran, or was cancelled already) is a
 * 'notFound' refusal, so a second cancel is 404 and the ledger says once who cancelled it. A
 * background job's continuation is a 'conflict': cancelling it would strand the job.
 */
export async function cancelScheduledJob(
  deps: CancelScheduledJobDependencies,
  input: { readonly jobId: string; readonly reason: string },
  request: AdminRequest,
): Promise<{ cancelled: ScheduledJobView; reason: string }> {
  const job = await deps.scheduler.get(input.jobId);
  if (!job) throw new OperationError('notFound', `No pending scheduled job ${input.jobId}`);
  // Its job would stay running with no next slice, holding its scope until the lease ran out.
  if (job.work.kind === 'job') throw new OperationError('conflict', `Scheduled job ${job.id} continues background job ${job.work.jobId}; it cannot be cancelled`);
  await deps.scheduler.cancel(job.id);
  const cancelled = describeScheduledJob(job);
  await recordAdminAction(deps.ledger, request, {
    chain: cancelled.personId !== undefined ? `person#${cancelled.personId}` : 'scheduler',
    type: 'admin.scheduled-job-cancelled',
    ...(cancelled.personId !== undefined ? { personId: cancelled.personId } : {}),
    ...(cancelled.app !== undefined ? { app: cancelled.app } : {}),
    detail: { ...cancelled, reason: input.reason },
  });
  return { cancelled, reason: input.reason };
}
