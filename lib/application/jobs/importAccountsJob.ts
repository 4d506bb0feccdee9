import { type AccountLister, isAccountLister, type AppAccount } from '../../connector-sdk/Connector.js';
import { ConnectorError } from '../../connector-sdk/ConnectorError.js';
import type { ConnectorRuntime, RuntimeConnector } from '../../fanout/ConnectorRuntime.js';
import { MAX_ACCOUNT_PAGES } from '../../reconcile/listAllAccounts.js';
import type { AdminRequest } from '../AdminRequest.js';
import { type AccountImportReport, IMPORT_PART_BYTES, type ReportImportDependencies, reportAccountImport } from '../admin/reportAccountImport.js';
import { OperationError } from '../OperationError.js';
import { chunkBySize } from './chunkBySize.js';
import type { JobDefinition } from './JobDefinition.js';

export interface ImportAccountsInput {
  readonly app: string;
  /** Who asked: the report's ledger event names them. */
  readonly request: AdminRequest;
}

interface ImportAccountsProgress {
  /** Where the listing carries on; absent before the first page. */
  readonly cursor?: string;
  readonly pages: number;
  /** Accounts listed so far, in job parts `listed-0` …. */
  readonly chunks: number;
  /** Every page is listed: the next slice makes the report. */
  readonly listed?: true;
}

/** What a slice keeps for matching and keeping the report once the listing is done. */
const REPORT_MS = 5_000;

/** What the job keeps: the report's id and counts (the report itself is GET /admin/connectors/{id}/import). */
export interface ImportAccountsResult {
  readonly app: string;
  readonly reportId: string;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * An import as a job: the app's accounts are listed page by page, within the connector's rate
 * limit, across as many budgets as a large or rate-limited app needs (each slice keeps what it
 * listed in job parts, so a continuation, or a redone slice after a crash, goes on from the last
 * saved page), then matched and kept as the app's report (reportAccountImport).
 */
export function importAccountsJob(
  deps: ReportImportDependencies & { readonly connectors: Pick<ConnectorRuntime, 'get'>; readonly now?: () => Date },
): JobDefinition<ImportAccountsInput, ImportAccountsProgress, ImportAccountsResult, AccountImportReport> {
  const now = (): Date => deps.now?.() ?? new Date();
  return {
    kind: 'import-accounts',
    scopeOf: (input) => input.app,
    run: async (input, progress, deadline, context) => {
      const runtime = deps.connectors.get(input.app);
      const lister = runtime?.connector;
      if (!runtime || !lister || !isAccountLister(lister)) throw new OperationError('invalid', `Connector "${input.app}" cannot list its accounts`);
      let cursor = progress?.cursor;
      let pages = progress?.pages ?? 0;
      let chunks = progress?.chunks ?? 0;
      if (!progress?.listed) {
        const listed = await listPages(runtime, lister, input.app, cursor, pages, deadline);
        ({ cursor, pages } = listed);
        for (const chunk of chunkBySize(listed.accounts, IMPORT_PART_BYTES)) await context.putPart(`listed-${chunks++}`, chunk);
        if (cursor !== undefined) return { done: false, progress: { cursor, pages, chunks } };
        // Matching and keeping the report take seconds for a large directory: a slice that listed
        // up to its deadline leaves them to the next, so a request still answers in time.
        if (now().getTime() >= deadline - REPORT_MS) return { done: false, progress: { pages, chunks, listed: true } };
      }

      const accounts: AppAccount[] = [];
      for (let index = 0; index < chunks; index++) accounts.push(...((await context.getPart(`listed-${index}`)) as AppAccount[]));
      const report = await reportAccountImport(deps, { app: input.app, correlation: runtime.config.correlation, accounts }, input.request, now());
      const { linked, ambiguous, unmatched, alreadyLinked } = report;
      const counts = { accounts: accounts.length, linked: linked.length, ambiguous: ambiguous.length, unmatched: unmatched.length, alreadyLinked: alreadyLinked.length };
      return { done: true, result: { app: input.app, reportId: report.reportId, counts }, detail: report };
    },
  };

  /** Pages from `cursor` on until the deadline (at least one, so every slice makes progress). */
  async function listPages(
    runtime: RuntimeConnector,
    lister: AccountLister,
    app: string,
    from: string | undefined,
    pagesBefore: number,
    deadline: number,
  ): Promise<{ readonly accounts: AppAccount[]; readonly cursor: string | undefined; readonly pages: number }> {
    let cursor = from;
    let pages = pagesBefore;
    const listed: AppAccount[] = [];
    do {
      const page = await runtime.limit(() => lister.listAccounts(cursor)).catch((error: unknown) => {
        // The vendor's text may name accounts or echo a token: only the kind of failure is said.
        if (error instanceof ConnectorError) throw new OperationError('upstream', `Connector "${app}" could not list its accounts: ${error.kind}`, { cause: error });
        throw error;
      });
      listed.push(...page.accounts);
      cursor = page.nextCursor;
      pages++;
      if (pages >= MAX_ACCOUNT_PAGES && cursor !== undefined) throw new OperationError('tooLarge', `Connector "${app}" lists more than ${MAX_ACCOUNT_PAGES} pages of accounts`);
    } while (cursor !== undefined && now().getTime() < deadline);
    return { accounts: listed, cursor, pages };
  }
}
