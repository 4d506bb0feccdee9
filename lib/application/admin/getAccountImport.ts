import type { ImportApproval, ImportCounts, ImportMode } from '../../domain/ConnectorImport.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { ImportMatches } from '../../reconcile/ImportReport.js';
import { OperationError } from '../OperationError.js';
import { readImportReport } from './readImportReport.js';
import { requireConnector } from './requireConnector.js';

export interface AccountImportView extends ImportMatches {
  readonly app: string;
  readonly reportId: string;
  readonly checkedAt: string;
  readonly counts: ImportCounts;
  /** The last approval, of this report or an earlier one; null before the first. */
  readonly approval: ImportApproval | null;
  /** The app's import mode; null for an app never noticed as new (it is active). */
  readonly mode: ImportMode | null;
}

/** The app's last import report, whole, and its last approval. */
export async function getAccountImport(
  deps: { readonly connectors: Pick<ConnectorRuntime, 'get'>; readonly imports: Pick<ImportStore, 'get'>; readonly parts: Pick<JobStore, 'getPart'> },
  app: string,
): Promise<AccountImportView> {
  requireConnector(deps.connectors, app);
  const state = await deps.imports.get(app);
  if (!state?.report) throw new OperationError('notFound', `Connector "${app}" has no import report yet; POST /admin/connectors/${app}/import makes one`);
  const { report } = state;
  return {
    app,
    reportId: report.reportId,
    checkedAt: report.checkedAt,
    counts: report.counts,
    ...(await readImportReport(deps.parts, report)),
    approval: state.approval ?? null,
    mode: state.mode ?? null,
  };
}
