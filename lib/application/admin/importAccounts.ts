import { isAccountLister } from '../../connector-sdk/Connector.js';
import type { Job } from '../../domain/Job.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { ImportAccountsInput, ImportAccountsResult } from '../jobs/importAccountsJob.js';
import type { JobDefinition } from '../jobs/JobDefinition.js';
import { JOB_BUDGETS } from '../jobs/jobBudgets.js';
import type { JobRunner } from '../jobs/JobRunner.js';
import { OperationError } from '../OperationError.js';
import type { AccountImportReport } from './reportAccountImport.js';
import { requireConnector } from './requireConnector.js';

export interface AccountImportDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly runner: Pick<JobRunner, 'start'>;
  readonly job: JobDefinition<ImportAccountsInput, unknown, ImportAccountsResult, AccountImportReport>;
}

export type AccountImportOutcome =
  /** Listed and matched within the request: the whole report. */
  | { readonly finished: true; readonly job: Job; readonly report: AccountImportReport }
  /** Still listing (a large or rate-limited app), or an import of this app already runs: follow the job. */
  | { readonly finished: false; readonly job: Job };

/**
 * Lists an app's accounts and matches them to people by the connector's correlation rules, as a
 * job (importAccountsJob): answered with the report when it fits the request's budget, else
 * continued in the background, the report then at GET /admin/connectors/{id}/import. Nothing is
 * linked, created or changed in any app: approving the report links its unique matches.
 */
export async function importAccounts(deps: AccountImportDependencies, app: string, request: AdminRequest): Promise<AccountImportOutcome> {
  const runtime = requireConnector(deps.connectors, app);
  if (!isAccountLister(runtime.connector)) throw new OperationError('invalid', `Connector "${app}" cannot list its accounts, so it has no accounts to import`);
  const run = await deps.runner.start(deps.job, { app, request }, request.actor, JOB_BUDGETS.request);
  if (run.job.status === 'succeeded' && run.detail) return { finished: true, job: run.job, report: run.detail };
  return { finished: false, job: run.job };
}
