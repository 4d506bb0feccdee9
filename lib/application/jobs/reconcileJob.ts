import type { Reconciler } from '../../reconcile/Reconciler.js';
import type { ReconciliationReport } from '../../reconcile/ReconciliationReport.js';
import type { JobDefinition } from './JobDefinition.js';

export interface ReconcileInput {
  /** One app, or every app that can list its accounts. */
  readonly app?: string;
  readonly fix: boolean;
}

/** What the job keeps of each app's report: the counts, and where the whole report is in the ledger. */
export interface ReconcileSummary {
  readonly app: string;
  readonly runId: string;
  readonly accounts: number;
  readonly orphans: number;
  readonly drift: number;
  readonly stepsQueued: number;
  readonly error?: string;
  /** The reconciliation.report event on chain connector#<app>. */
  readonly ledgerEventId: string;
}

interface ReconcileProgress {
  readonly apps: readonly string[];
  readonly next: number;
  readonly reports: readonly ReconcileSummary[];
}

/**
 * Reconciliation as a job: one app per step, so a run over many large apps continues across
 * invocations. The full reports (every orphan and drift) are in the ledger; the job keeps their
 * counts, and the slice that finishes hands the full reports it made to its caller.
 */
export function reconcileJob(deps: {
  readonly reconciler: Pick<Reconciler, 'reconcile' | 'listableApps'>;
  readonly now?: () => Date;
}): JobDefinition<ReconcileInput, ReconcileProgress, { readonly reports: readonly ReconcileSummary[] }, { readonly reports: ReconciliationReport[] }> {
  const now = deps.now ?? (() => new Date());
  return {
    kind: 'reconcile',
    scopeOf: (input) => input.app ?? 'all',
    run: async (input, progress, deadline) => {
      const apps = progress?.apps ?? (input.app !== undefined ? [input.app] : deps.reconciler.listableApps());
      const summaries = [...(progress?.reports ?? [])];
      const reports: ReconciliationReport[] = [];
      for (let index = progress?.next ?? 0; index < apps.length; index++) {
        // At least one app per slice, so every slice makes progress.
        if (reports.length > 0 && now().getTime() >= deadline) return { done: false, progress: { apps, next: index, reports: summaries } };
        const report = await deps.reconciler.reconcile(apps[index] as string, input.fix);
        reports.push(report);
        summaries.push(summarise(report));
      }
      return { done: true, result: { reports: summaries }, detail: { reports } };
    },
  };
}

function summarise(report: ReconciliationReport): ReconcileSummary {
  return {
    app: report.app,
    runId: report.runId,
    accounts: report.accounts,
    orphans: report.orphans.length,
    drift: report.drift.length,
    stepsQueued: report.stepsQueued,
    ...(report.error ? { error: report.error } : {}),
    ledgerEventId: `reconcile:${report.runId}`,
  };
}
