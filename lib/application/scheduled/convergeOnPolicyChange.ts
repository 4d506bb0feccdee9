import type { Job } from '../../domain/Job.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { LedgerStore } from '../../ports/LedgerStore.js';

/** The ledger chain that records each policy a deployment ran with. */
export const POLICY_CHAIN = 'policy';

export interface PolicyChangeDependencies {
  readonly ledgerStore: Pick<LedgerStore, 'recent'>;
  readonly ledger: Pick<Ledger, 'append'>;
  /** Starts the directory's convergence job (a dry run unless `dryRun` is false). */
  readonly converge: (input: { readonly dryRun: boolean }) => Promise<{ readonly job: Job; readonly started: boolean }>;
  readonly now?: () => Date;
}

export type PolicyChangeOutcome = { readonly changed: false } | { readonly changed: true; readonly applied: boolean; readonly jobId: string };

/**
 * Notices a new policy (rules, apps, leaver plans: policyFingerprint) the first time a process
 * runs with it — at start locally, on the first recovery tick after a deploy in AWS — records it
 * on the `policy` chain, and starts a convergence run over the whole directory: a dry run whose
 * summary the ledger keeps for an operator to read, or, with `convergence.autoApply`, the real
 * thing. The event id names the fingerprint and the head it follows, so processes that notice
 * the same change at once record it once, and going back to an earlier policy is a change again.
 */
export async function convergeOnPolicyChange(deps: PolicyChangeDependencies, fingerprint: string, autoApply: boolean): Promise<PolicyChangeOutcome> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const [head] = await deps.ledgerStore.recent(POLICY_CHAIN, now);
  if ((head?.detail as { fingerprint?: unknown } | undefined)?.fingerprint === fingerprint) return { changed: false };
  const recorded = await deps.ledger.append({
    eventId: `policy:${fingerprint.slice(0, 32)}:after:${head?.seq ?? 0}`,
    chain: POLICY_CHAIN,
    type: 'policy.changed',
    occurredAt: now,
    source: { channel: 'schedule', actor: 'policy-watch' },
    outcome: 'recorded',
    detail: { fingerprint, ...(head ? { previous: (head.detail as { fingerprint?: unknown } | undefined)?.fingerprint } : {}), convergence: autoApply ? 'apply' : 'dry-run' },
  });
  // Another process recorded this change first (the ledger answered with its event): its run is
  // the one. Were both to start, the job runner's scope keeps it to one run at a time, and a
  // second applied run plans nothing the first did not.
  if (recorded.occurredAt !== now) return { changed: false };
  const { job } = await deps.converge({ dryRun: !autoApply });
  return { changed: true, applied: autoApply, jobId: job.id };
}
