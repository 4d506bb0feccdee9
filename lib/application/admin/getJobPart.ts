import type { JobRunner } from '../jobs/JobRunner.js';
import { OperationError } from '../OperationError.js';

/** A named part of a job's result (a page of a large preview's plans). */
export async function getJobPart(runner: Pick<JobRunner, 'part'>, jobId: string, name: string): Promise<unknown> {
  // Only results are read back; a job's input parts (a roster) stay where the job read them.
  const part = name.startsWith('result-') ? await runner.part(jobId, name) : undefined;
  if (part === undefined) throw new OperationError('notFound', `Job ${jobId} has no part ${name}`);
  return part;
}
