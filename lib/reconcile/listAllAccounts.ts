import type { AccountLister, AppAccount } from '../connector-sdk/Connector.js';
import type { RuntimeConnector } from '../fanout/ConnectorRuntime.js';

/** The most pages one listing reads: at 100 accounts a page, a million accounts. */
export const MAX_ACCOUNT_PAGES = 10_000;

/**
 * Every account an app lists, page by page, each call within the connector's concurrency and rate
 * limits. `complete` is false when the app had more than MAX_ACCOUNT_PAGES pages; the caller decides
 * whether a partial listing will do.
 */
export async function listAllAccounts(runtime: Pick<RuntimeConnector, 'limit'>, lister: AccountLister): Promise<{ accounts: AppAccount[]; complete: boolean }> {
  const accounts: AppAccount[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await runtime.limit(() => lister.listAccounts(cursor));
    accounts.push(...page.accounts);
    cursor = page.nextCursor;
  } while (cursor !== undefined && ++pages < MAX_ACCOUNT_PAGES);
  return { accounts, complete: cursor === undefined };
}
