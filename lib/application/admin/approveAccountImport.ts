import type { ImportApproval } from '../../domain/ConnectorImport.js';
import type { Job } from '../../domain/Job.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { ApproveImportInput, ApproveImportResult, SkippedLink } from '../jobs/approveImportJob.js';
import type { JobDefinition } from '../jobs/JobDefinition.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import { OperationError } from '../OperationError.js';
import { requireConnector } from './requireConnector.js';

export interface ApproveAccountImportDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly imports: Pick<ImportStore, 'get'>;
  readonly runner: Pick<JobRunner, 'start'>;
  readonly job: JobDefinition<ApproveImportInput, unknown, ApproveImportResult, ApproveImportResult & { readonly skipped: readonly SkippedLink[] }>;
}

export type ImportApprovalOutcome =
  /** Every link made within the request (or the report was approved before: nothing was done again). */
  | {
      readonly finished: true;
      readonly app: string;
      readonly approval: ImportApproval;
      /** Accounts of the report's `linked` list that were not linked, and why (none on a repeated approval). */
      readonly skipped: readonly SkippedLink[];
      readonly alreadyApproved: boolean;
      /** Set when this approval took the app out of import mode: the app's convergence run it started. */
      readonly convergence?: { readonly jobId: string; readonly dryRun: boolean };
      readonly job?: Job;
    }
  /** Still linking (a large report), or an approval of this app already runs: follow the job. */
  | { readonly finished: false; readonly job: Job };

/**
 * Approves the app's last import report: links each account of its `linked` list to its person
 * (approveImportJob, answered whole when it fits the request's budget, else continued in the
 * background). The operator names the report they read (`reportId`); approving any other is
 * refused, so a newer report nobody has read is never approved by accident. Ambiguous and
 * unmatched accounts are left alone. Approving a report again changes nothing. An app in import
 * mode leaves it with its first approval (the links are made first), and its convergence run starts.
 */
export async function approveAccountImport(
  deps: ApproveAccountImportDependencies,
  input: { readonly app: string; readonly reportId: string },
  request: AdminRequest,
): Promise<ImportApprovalOutcome> {
  const { app, reportId } = input;
  requireConnector(deps.connectors, app);
  const state = await deps.imports.get(app);
  if (!state?.report) throw new OperationError('notFound', `Connector "${app}" has no import report to approve; POST /admin/connectors/${app}/import makes one`);
  if (state.report.reportId !== reportId) {
    throw new OperationError('conflict', `Report ${reportId} is not the last import report of "${app}" (that is ${state.report.reportId}); read it and approve that one`);
  }
  if (state.approval?.reportId === reportId) return { finished: true, app, approval: state.approval, skipped: [], alreadyApproved: true };
  const run = await deps.runner.start(deps.job, { app, reportId, request }, request.actor, JOB_BUDGETS.request);
  if (run.job.status !== 'succeeded' || !run.detail) return { finished: false, job: run.job };
  return { finished: true, ...run.detail, alreadyApproved: false, job: run.job };
}
