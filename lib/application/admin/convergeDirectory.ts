import type { Job } from '../../domain/Job.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { ConvergeInput, ConvergeResult } from '../jobs/convergeJob.js';
import type { JobDefinition } from '../jobs/JobDefinition.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import { requireConnector } from './requireConnector.js';

export interface ConvergeDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly runner: Pick<JobRunner, 'start'>;
  readonly job: JobDefinition<ConvergeInput, unknown, ConvergeResult, ConvergeResult>;
}

export type ConvergeOutcome =
  /** Finished within the request: the run's summary. */
  | { readonly finished: true; readonly job: Job; readonly result: ConvergeResult }
  /** Still running (this request's budget ran out, or the same run already holds the scope): follow the job. */
  | { readonly finished: false; readonly job: Job };

/**
 * Converges every person in the directory (or only one app) with policy: as a dry run, what would
 * be planned; otherwise planned and queued like any change. For the people who were there before
 * the app or the rule that now gives it to them. Runs as a job: answered in full when it fits the
 * request's budget, else continued in the background.
 */
export async function convergeDirectory(deps: ConvergeDependencies, input: { readonly dryRun: boolean; readonly app?: string }, request: AdminRequest): Promise<ConvergeOutcome> {
  if (input.app !== undefined) requireConnector(deps.connectors, input.app);
  const source = { channel: 'admin' as const, actor: request.actor, requestId: request.requestId, operation: request.operation };
  const run = await deps.runner.start(deps.job, { ...input, source }, request.actor, JOB_BUDGETS.request);
  if (run.job.status === 'succeeded' && run.detail) return { finished: true, job: run.job, result: run.detail };
  return { finished: false, job: run.job };
}
