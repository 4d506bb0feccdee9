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
  /** Decides the import mode of apps the last recorded policy did not have (settleImportModes). */
  readonly settleNewApps: (apps: readonly string[]) => Promise<unknown>;
  readonly now?: () => Date;
}

/** The policy a process runs with: its fingerprint and its apps' ids. */
export interface RunningPolicy {
  readonly fingerprint: string;
  readonly apps: readonly string[];
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
export async function convergeOnPolicyChange(deps: PolicyChangeDependencies, policy: RunningPolicy, autoApply: boolean): Promise<PolicyChangeOutcome> {
  const { fingerprint } = policy;
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const [head] = await deps.ledgerStore.recent(POLICY_CHAIN, now);
  const previous = head?.detail as { fingerprint?: unknown; apps?: unknown } | undefined;
  if (previous?.fingerprint === fingerprint) return { changed: false };
  // Apps are new when the last policy recorded did not list them, or when none was ever recorded
  // (a first start: every app's accounts predate Perimeter). A head from before apps were recorded
  // says nothing about which are new: none is, so an upgrade changes no app's mode. Settled before
  // the change is recorded (and idempotent), so a crash in between settles them on the next try,
  // and the convergence run below already holds back apps that start importing.
  const known = Array.isArray(previous?.apps) ? new Set(previous.apps as unknown[]) : undefined;
  const newApps = head === undefined ? policy.apps : known ? policy.apps.filter((app) => !known.has(app)) : [];
  if (newApps.length > 0) await deps.settleNewApps(newApps);
  const recorded = await deps.ledger.append({
    eventId: `policy:${fingerprint.slice(0, 32)}:after:${head?.seq ?? 0}`,
    chain: POLICY_CHAIN,
    type: 'policy.changed',
    occurredAt: now,
    source: { channel: 'schedule', actor: 'policy-watch' },
    outcome: 'recorded',
    detail: { fingerprint, apps: [...policy.apps].sort(), ...(head ? { previous: previous?.fingerprint } : {}), ...(newApps.length ? { newApps } : {}), convergence: autoApply ? 'apply' : 'dry-run' },
  });
  // Another process recorded this change first (the ledger answered with its event): its run is
  // the one. Were both to start, the job runner's scope keeps it to one run at a time, and a
  // second applied run plans nothing the first did not.
  if (recorded.occurredAt !== now) return { changed: false };
  const { job } = await deps.converge({ dryRun: !autoApply });
  return { changed: true, applied: autoApply, jobId: job.id };
}
