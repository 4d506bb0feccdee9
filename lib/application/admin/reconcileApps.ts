import type { Job } from '../../domain/Job.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Reconciler } from '../../reconcile/Reconciler.js';
import type { ReconciliationReport } from '../../reconcile/ReconciliationReport.js';
import type { JobDefinition } from '../jobs/JobDefinition.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import type { ReconcileInput } from '../jobs/reconcileJob.js';
import { OperationError } from '../OperationError.js';
import type { AdminRequest } from '../AdminRequest.js';
import { requireConnector } from './requireConnector.js';

export interface ReconcileDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly reconciler: Pick<Reconciler, 'listableApps'>;
  readonly runner: Pick<JobRunner, 'start'>;
  readonly job: JobDefinition<ReconcileInput, unknown, unknown, { readonly reports: ReconciliationReport[] }>;
}

export type ReconcileOutcome =
  /** Finished within the request: every report, in full. */
  | { readonly finished: true; readonly job: Job; readonly reports: ReconciliationReport[] }
  /** Still running (this request's budget ran out, or another run holds the scope): follow the job. */
  | { readonly finished: false; readonly job: Job };

/**
 * Compares one app (or every app that can list its accounts) with the directory; with `fix`, plans
 * the corrections. Runs as a job: answered in full when it fits the request's budget, else it
 * continues in the background and the job says when it is done.
 */
export async function reconcileApps(deps: ReconcileDependencies, input: ReconcileInput, request: AdminRequest): Promise<ReconcileOutcome> {
  if (input.app !== undefined) {
    requireConnector(deps.connectors, input.app);
    if (!deps.reconciler.listableApps().includes(input.app)) throw new OperationError('invalid', `Connector "${input.app}" cannot list accounts, so it cannot be reconciled`);
  }
  const run = await deps.runner.start(deps.job, input, request.actor, JOB_BUDGETS.request);
  if (run.job.status === 'succeeded' && run.detail) return { finished: true, job: run.job, reports: run.detail.reports };
  return { finished: false, job: run.job };
}
