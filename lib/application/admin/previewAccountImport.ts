import { isAccountLister } from '../../connector-sdk/Connector.js';
import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { ImportMatches } from '../../reconcile/ImportReport.js';
import { listAllAccounts, MAX_ACCOUNT_PAGES } from '../../reconcile/listAllAccounts.js';
import { matchImportedAccounts } from '../../reconcile/matchImportedAccounts.js';
import { OperationError } from '../OperationError.js';
import { requireConnector } from './requireConnector.js';

export interface AccountImportDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly directory: Pick<DirectoryStore, 'listUsers'>;
  readonly access: Pick<AccessStore, 'listActualByApp'>;
  readonly now?: () => Date;
}

export interface AccountImportReport extends ImportMatches {
  readonly app: string;
  readonly checkedAt: string;
  /** Accounts the app listed. */
  readonly accounts: number;
}

/**
 * Lists an app's accounts (page by page, within the connector's rate limit) and matches them to
 * people by the connector's correlation rules. Reads only: nothing is linked, created or changed.
 */
export async function previewAccountImport(deps: AccountImportDependencies, app: string): Promise<AccountImportReport> {
  const runtime = requireConnector(deps.connectors, app);
  const lister = runtime.connector;
  if (!isAccountLister(lister)) throw new OperationError('invalid', `Connector "${app}" cannot list its accounts, so it has no accounts to import`);
  const checkedAt = (deps.now?.() ?? new Date()).toISOString();
  const { accounts, complete } = await listAllAccounts(runtime, lister);
  if (!complete) throw new OperationError('tooLarge', `Connector "${app}" lists more than ${MAX_ACCOUNT_PAGES} pages of accounts`);
  const people = (await deps.directory.listUsers()).map(toPersonSnapshot);
  // An existing link is the account's actual-access row, as the reconciler reads it.
  const rows = await deps.access.listActualByApp(app);
  const links = new Map(rows.flatMap((row) => (row.accountId !== undefined && row.status !== 'deleted' ? [[row.accountId, row.personId] as const] : [])));
  const matches = matchImportedAccounts({ accounts, people, rules: runtime.config.correlation, links });
  return { app, checkedAt, accounts: accounts.length, ...matches };
}
