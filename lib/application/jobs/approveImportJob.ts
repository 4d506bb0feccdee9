import { linkKeyOf } from '../../connector-sdk/linkKeyOf.js';
import type { ImportApproval } from '../../domain/ConnectorImport.js';
import type { Job } from '../../domain/Job.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { type LinkImportedAccountDependencies, linkImportedAccount } from '../admin/linkImportedAccount.js';
import { readImportReport } from '../admin/readImportReport.js';
import { recordAdminAction } from '../admin/recordAdminAction.js';
import { saveImportState } from '../admin/saveImportState.js';
import type { ImportingApps } from '../ImportingApps.js';
import { OperationError } from '../OperationError.js';
import type { JobDefinition } from './JobDefinition.js';

export interface ApproveImportInput {
  readonly app: string;
  readonly reportId: string;
  readonly request: AdminRequest;
}

export interface ApproveImportDependencies extends LinkImportedAccountDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly imports: ImportStore;
  readonly importing: Pick<ImportingApps, 'forget'>;
  /** The report's lists. */
  readonly parts: Pick<JobStore, 'getPart'>;
  readonly ledger: Pick<Ledger, 'append'>;
  /**
   * Starts the app's convergence run once it leaves import mode (a dry run unless auto-applied),
   * working on it for at most `budgetMs` (what is left of this slice) before it continues alone.
   */
  readonly converge: (input: { readonly app: string; readonly budgetMs: number }, request: AdminRequest) => Promise<{ readonly job: Job; readonly dryRun: boolean }>;
  readonly now?: () => Date;
}

/** An account of the report that was not linked, and why. */
export interface SkippedLink {
  readonly accountId: string;
  readonly personId: string;
  readonly reason: string;
}

interface ApproveImportProgress {
  /** The next entry of the report's `linked` list. */
  readonly next: number;
  readonly made: number;
  /** Skipped accounts so far, in job parts `skipped-0` …. */
  readonly skippedParts: number;
  readonly skipped: number;
}

export interface ApproveImportResult {
  readonly app: string;
  readonly approval: ImportApproval;
  /** Set when this approval took the app out of import mode: the app's convergence run it started. */
  readonly convergence?: { readonly jobId: string; readonly dryRun: boolean };
}

/** Links of one approval made at once: each is a few conditional writes. */
const BATCH = 8;

/**
 * An approval as a job: each account of the report's `linked` list is linked to its person, a
 * batch at a time, across as many budgets as a large report needs (a redone batch links nothing
 * twice: links are conditional writes and their ledger events have fixed ids). When every link is
 * made the approval is saved; an app in import mode leaves it then, and its convergence run starts.
 */
export function approveImportJob(deps: ApproveImportDependencies): JobDefinition<ApproveImportInput, ApproveImportProgress, ApproveImportResult, ApproveImportResult & { readonly skipped: readonly SkippedLink[] }> {
  const now = (): Date => deps.now?.() ?? new Date();
  return {
    kind: 'approve-import',
    scopeOf: (input) => input.app,
    run: async (input, progress, deadline, context) => {
      const { app, reportId, request } = input;
      const runtime = deps.connectors.get(app);
      if (!runtime) throw new OperationError('notFound', `No connector "${app}"`);
      const state = await deps.imports.get(app);
      if (state?.report?.reportId !== reportId) throw new OperationError('conflict', `Report ${reportId} is no longer the last import report of "${app}"; read the new one and approve that`);
      const { linked } = await readImportReport(deps.parts, state.report);
      let { next, made, skippedParts, skipped } = progress ?? { next: 0, made: 0, skippedParts: 0, skipped: 0 };
      const slipped: SkippedLink[] = [];
      // At least one batch per slice, so every slice makes progress.
      do {
        const batch = linked.slice(next, next + BATCH);
        const at = now();
        const outcomes = await Promise.all(
          batch.map((entry) =>
            linkImportedAccount(deps, { app, accountId: entry.accountId, linkKey: linkKeyOf(runtime.connector, entry.accountId), personId: entry.personId, active: entry.active, rule: entry.rule, reportId }, request, at),
          ),
        );
        outcomes.forEach((outcome, index) => {
          const entry = batch[index]!;
          if (outcome.linked) made++;
          else slipped.push({ accountId: entry.accountId, personId: entry.personId, reason: outcome.reason });
        });
        next += batch.length;
      } while (next < linked.length && now().getTime() < deadline);
      if (slipped.length > 0) {
        await context.putPart(`skipped-${skippedParts++}`, slipped);
        skipped += slipped.length;
      }
      if (next < linked.length) return { done: false, progress: { next, made, skippedParts, skipped } };

      const finishedAt = now();
      const approval: ImportApproval = { reportId, approvedBy: request.actor, approvedAt: finishedAt.toISOString(), linked: made, skipped };
      // The links first, then the mode: nothing is provisioned in the app before its accounts are linked.
      const leaves = state.mode?.state === 'importing';
      await saveImportState(deps.imports, app, finishedAt, { approval, ...(leaves ? { mode: { state: 'active', reason: 'approved', since: finishedAt.toISOString() } } : {}) });
      await recordAdminAction(deps.ledger, request, { chain: `connector#${app}`, type: 'connector.import-approved', app, detail: { ...approval, ...(leaves ? { leftImportMode: true } : {}) } }, finishedAt);
      const all: SkippedLink[] = [];
      for (let index = 0; index < skippedParts; index++) all.push(...((await context.getPart(`skipped-${index}`)) as SkippedLink[]));
      if (!leaves) return { done: true, result: { app, approval }, detail: { app, approval, skipped: all } };
      deps.importing.forget();
      // What the import held back (accounts for people the policy gives the app, who hold none yet),
      // planned now instead of at each person's next event.
      // Within this slice's budget: a request that linked until its deadline must still answer in time.
      const run = await deps.converge({ app, budgetMs: Math.max(0, deadline - now().getTime()) }, request);
      const result = { app, approval, convergence: { jobId: run.job.id, dryRun: run.dryRun } };
      return { done: true, result, detail: { ...result, skipped: all } };
    },
  };
}
