import type { Job } from '../../domain/Job.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import { OperationError } from '../OperationError.js';

/** A background job's status, and its result once it has one. */
export async function getJob(runner: Pick<JobRunner, 'get'>, jobId: string): Promise<Job> {
  const job = await runner.get(jobId);
  if (!job) throw new OperationError('notFound', `No job ${jobId}`);
  return job;
}
