import type { ImportApproval } from '../../domain/ConnectorImport.js';
import { linkKeyOf } from '../../connector-sdk/linkKeyOf.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { OperationError } from '../OperationError.js';
import { type LinkImportedAccountDependencies, linkImportedAccount } from './linkImportedAccount.js';
import { readImportReport } from './readImportReport.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requireConnector } from './requireConnector.js';
import { saveImportState } from './saveImportState.js';

export interface ApproveImportDependencies extends LinkImportedAccountDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly imports: ImportStore;
  readonly parts: Pick<JobStore, 'getPart'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}

export interface ImportApprovalOutcome {
  readonly app: string;
  readonly approval: ImportApproval;
  /** Accounts of the report's `linked` list that were not linked, and why (none on a repeated approval). */
  readonly skipped: readonly { readonly accountId: string; readonly personId: string; readonly reason: string }[];
  /** True when this report had been approved before: nothing was done again. */
  readonly alreadyApproved: boolean;
}

/** Links of one approval made at once: each is a few conditional writes. */
const BATCH = 8;

/**
 * Approves the app's last import report: links each account of its `linked` list to its person.
 * The operator names the report they read (`reportId`); approving any other is refused, so a newer
 * report nobody has read is never approved by accident. Ambiguous and unmatched accounts are left
 * alone. Approving a report again changes nothing.
 */
export async function approveAccountImport(
  deps: ApproveImportDependencies,
  input: { readonly app: string; readonly reportId: string },
  request: AdminRequest,
): Promise<ImportApprovalOutcome> {
  const { app, reportId } = input;
  const runtime = requireConnector(deps.connectors, app);
  const now = deps.now?.() ?? new Date();
  const state = await deps.imports.get(app);
  if (!state?.report) throw new OperationError('notFound', `Connector "${app}" has no import report to approve; POST /admin/connectors/${app}/import makes one`);
  if (state.report.reportId !== reportId) {
    throw new OperationError('conflict', `Report ${reportId} is not the last import report of "${app}" (that is ${state.report.reportId}); read it and approve that one`);
  }
  if (state.approval?.reportId === reportId) return { app, approval: state.approval, skipped: [], alreadyApproved: true };
  const { linked } = await readImportReport(deps.parts, state.report);
  const linkKey = (accountId: string): string => linkKeyOf(runtime.connector, accountId);
  const skipped: { accountId: string; personId: string; reason: string }[] = [];
  let made = 0;
  for (let start = 0; start < linked.length; start += BATCH) {
    const batch = linked.slice(start, start + BATCH);
    const outcomes = await Promise.all(
      batch.map((entry) =>
        linkImportedAccount(deps, { app, accountId: entry.accountId, linkKey: linkKey(entry.accountId), personId: entry.personId, active: entry.active, rule: entry.rule, reportId }, request, now),
      ),
    );
    outcomes.forEach((outcome, index) => {
      const entry = batch[index]!;
      if (outcome.linked) made++;
      else skipped.push({ accountId: entry.accountId, personId: entry.personId, reason: outcome.reason });
    });
  }
  const approval: ImportApproval = { reportId, approvedBy: request.actor, approvedAt: now.toISOString(), linked: made, skipped: skipped.length };
  await saveImportState(deps.imports, app, now, { approval });
  await recordAdminAction(deps.ledger, request, { chain: `connector#${app}`, type: 'connector.import-approved', app, detail: { ...approval } }, now);
  return { app, approval, skipped, alreadyApproved: false };
}
