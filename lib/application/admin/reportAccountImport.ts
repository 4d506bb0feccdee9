import { randomUUID } from 'node:crypto';
import type { AppAccount } from '../../connector-sdk/Connector.js';
import type { CorrelationRule } from '../../domain/CorrelationRule.js';
import type { ImportReportRef } from '../../domain/ConnectorImport.js';
import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { ImportMatches } from '../../reconcile/ImportReport.js';
import { matchImportedAccounts } from '../../reconcile/matchImportedAccounts.js';
import type { AdminRequest } from '../AdminRequest.js';
import { chunkBySize } from '../jobs/chunkBySize.js';
import { recordAdminAction } from './recordAdminAction.js';
import { saveImportState } from './saveImportState.js';

export interface ReportImportDependencies {
  readonly directory: Pick<DirectoryStore, 'listUsers'>;
  readonly access: Pick<AccessStore, 'listActualByApp'>;
  readonly imports: ImportStore;
  /** Where the report's lists are kept, as large job results are. */
  readonly parts: Pick<JobStore, 'putPart'>;
  readonly ledger: Pick<Ledger, 'append'>;
}

export interface AccountImportReport extends ImportMatches {
  readonly app: string;
  /** The report approve links from (`POST /admin/connectors/{id}/import/approve {"reportId"}`). */
  readonly reportId: string;
  readonly checkedAt: string;
  /** Accounts the app listed. */
  readonly accounts: number;
}

/** A stored report's entries, each tagged with the list it belongs to, under ~300 KB a part. */
export type ImportReportEntry = { readonly list: keyof ImportMatches } & Readonly<Record<string, unknown>>;
export const IMPORT_PART_BYTES = 300_000;

/**
 * Matches an app's listed accounts to people by the connector's correlation rules and keeps the
 * result as the app's last import report. Nothing is linked, created or changed in any app:
 * approving the report links its unique matches.
 */
export async function reportAccountImport(
  deps: ReportImportDependencies,
  listing: { readonly app: string; readonly correlation: readonly CorrelationRule[]; readonly accounts: readonly AppAccount[] },
  request: AdminRequest,
  now: Date,
): Promise<AccountImportReport> {
  const { app, accounts } = listing;
  const checkedAt = now.toISOString();
  const people = (await deps.directory.listUsers()).map(toPersonSnapshot);
  // An existing link is the account's actual-access row, as the reconciler reads it.
  const rows = await deps.access.listActualByApp(app);
  const links = new Map(rows.flatMap((row) => (row.accountId !== undefined && row.status !== 'deleted' ? [[row.accountId, row.personId] as const] : [])));
  const matches = matchImportedAccounts({ accounts, people, rules: listing.correlation, links });

  const reportId = randomUUID();
  const entries: ImportReportEntry[] = (Object.keys(matches) as (keyof ImportMatches)[]).flatMap((list) => matches[list].map((entry) => ({ list, ...entry })));
  const chunks = chunkBySize(entries, IMPORT_PART_BYTES);
  // The parts first: a report the state names is always whole.
  for (const [index, chunk] of chunks.entries()) await deps.parts.putPart(reportId, `report-${index}`, chunk);
  const counts = {
    accounts: accounts.length,
    linked: matches.linked.length,
    ambiguous: matches.ambiguous.length,
    unmatched: matches.unmatched.length,
    alreadyLinked: matches.alreadyLinked.length,
  };
  const report: ImportReportRef = { reportId, checkedAt, counts, parts: chunks.length };
  await saveImportState(deps.imports, app, now, { report });
  // Counts only: the accounts' identifiers are personal data and stay in the report.
  await recordAdminAction(deps.ledger, request, { chain: `connector#${app}`, type: 'connector.import-reported', app, detail: { reportId, ...counts } }, now);
  return { app, reportId, checkedAt, accounts: accounts.length, ...matches };
}
