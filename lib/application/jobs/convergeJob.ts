import type { ConvergenceSummary } from '../../domain/ConvergenceSummary.js';
import { EMPTY_CONVERGENCE_SUMMARY } from '../../domain/ConvergenceSummary.js';
import type { EventSource } from '../../domain/LifecycleEvent.js';
import { toPersonSnapshot } from '../../directory/toPersonSnapshot.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { Planner } from '../../plan/Planner.js';
import { tallyConvergence } from '../../plan/tallyConvergence.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { JobDefinition } from './JobDefinition.js';

export interface ConvergeInput {
  /** Plan and write nothing (the default an operator gets), or plan and queue. */
  readonly dryRun: boolean;
  /** Only this app's steps. */
  readonly app?: string;
  /** Who asked, for the run's ledger event. */
  readonly source: EventSource;
}

interface ConvergeProgress {
  /** People are examined in id order; the last one done. */
  readonly after: string;
  readonly summary: ConvergenceSummary;
}

export interface ConvergeResult extends ConvergenceSummary {
  readonly dryRun: boolean;
  readonly app?: string;
  /** The job's id; the steps of an applied run serve events `converge:<runId>:<personId>`. */
  readonly runId: string;
  /** The convergence.report event on chain `convergence`. */
  readonly ledgerEventId: string;
}

/**
 * Convergence of the whole directory as a job: every person's difference between policy and
 * planned access, previewed (dry run) or planned and queued, in id order so a run continues across
 * invocations from the last person done. The run's id is the job's, so a slice redone after a
 * crash plans nobody twice (it counts the people it finds already planned as examined, without
 * their steps). The summary is recorded in the ledger, for a dry run too.
 */
export function convergeJob(deps: {
  readonly planner: Pick<Planner, 'converge' | 'previewConvergence'>;
  readonly directory: Pick<DirectoryStore, 'listUsers'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}): JobDefinition<ConvergeInput, ConvergeProgress, ConvergeResult, ConvergeResult> {
  const now = deps.now ?? (() => new Date());
  return {
    kind: 'converge',
    // A dry run never waits behind an applied run (or answers with it), nor the reverse.
    scopeOf: (input) => `${input.dryRun ? 'dry-run' : 'apply'}:${input.app ?? 'all'}`,
    run: async (input, progress, deadline, context) => {
      const users = (await deps.directory.listUsers()).filter((user) => progress === undefined || user.id > progress.after).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      let summary = progress?.summary ?? EMPTY_CONVERGENCE_SUMMARY;
      const options = input.app !== undefined ? { app: input.app } : {};
      for (const [index, user] of users.entries()) {
        // At least one person per slice, so every slice makes progress.
        if (index > 0 && now().getTime() >= deadline) return { done: false, progress: { after: (users[index - 1] ?? user).id, summary } };
        const person = toPersonSnapshot(user);
        const plan = input.dryRun ? await deps.planner.previewConvergence(person, options) : await deps.planner.converge(person, context.jobId, options);
        summary = tallyConvergence(summary, person, plan);
      }
      const result: ConvergeResult = { dryRun: input.dryRun, ...(input.app !== undefined ? { app: input.app } : {}), runId: context.jobId, ledgerEventId: `convergence:${context.jobId}`, ...summary };
      await deps.ledger.append({
        eventId: result.ledgerEventId,
        chain: 'convergence',
        type: 'convergence.report',
        occurredAt: now().toISOString(),
        source: input.source,
        outcome: 'recorded',
        ...(input.app !== undefined ? { app: input.app } : {}),
        detail: { ...result },
      });
      // The summary is the job's result and what the caller of the finishing slice answers with.
      return { done: true, result, detail: result };
    },
  };
}
