import { applyRetention, type RetentionDependencies } from '../../audit/applyRetention.js';
import { sealLedger } from '../../audit/sealLedger.js';
import type { PerimeterConfig } from '../../config/perimeterConfigSchema.js';
import type { CredentialRotation } from '../../credentials/CredentialRotation.js';
import type { OutboxRelay } from '../../directory/OutboxRelay.js';
import type { Logger } from '../../observability/Logger.js';
import type { Planner } from '../../plan/Planner.js';
import type { AuditStore } from '../../ports/AuditStore.js';
import type { CheckpointStore } from '../../ports/CheckpointStore.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { LedgerArchive } from '../../ports/LedgerArchive.js';
import type { Job } from '../../domain/Job.js';
import type { RotateSecret } from '../admin/rotateConnectorCredential.js';
import type { PolicyChangeOutcome } from './convergeOnPolicyChange.js';
import type { ScheduledTaskName } from './recurringSchedules.js';

export interface ScheduledTaskDependencies {
  readonly config: PerimeterConfig;
  readonly directory: Pick<DirectoryStore, 'hasMatchIndex' | 'backfillMatchIndex'>;
  readonly relay: Pick<OutboxRelay, 'recover'>;
  readonly planner: Pick<Planner, 'recover'>;
  /** Starts the reconcile job (it continues across invocations when one is not enough). */
  readonly reconcile: (input: { readonly fix: boolean }) => Promise<{ readonly job: Job; readonly started: boolean }>;
  /** Starts the directory's convergence job (likewise). */
  readonly converge: (input: { readonly dryRun: boolean }) => Promise<{ readonly job: Job; readonly started: boolean }>;
  /** Records a policy this process is the first to run with, and starts its convergence run. */
  readonly convergeOnPolicyChange: () => Promise<PolicyChangeOutcome>;
  /** Lists again the apps held in import mode because their listing failed (settleImportModes). */
  readonly settleImportModes: () => Promise<unknown>;
  readonly audit: AuditStore;
  readonly checkpoints: CheckpointStore;
  /** Retention's own capabilities; absent where this process may not delete ledger events. */
  readonly retention?: Omit<RetentionDependencies, 'audit' | 'checkpoints' | 'archive'> & { readonly archive?: LedgerArchive };
  readonly rotation: Pick<CredentialRotation, 'isDue'>;
  readonly rotateSecret: RotateSecret;
  readonly logger: Logger;
}

/**
 * Runs one recurring task by name. Everything it calls is idempotent, because EventBridge delivers
 * at least once and a local timer may overlap a run at start-up. The switch is exhaustive: a task
 * added to SCHEDULED_TASKS without a case here does not compile.
 */
export async function runScheduledTask(deps: ScheduledTaskDependencies, task: ScheduledTaskName): Promise<string> {
  switch (task) {
    case 'recover':
      return recover(deps);
    case 'reconcile':
      return reconcile(deps);
    case 'checkpoint': {
      const checkpoint = await sealLedger(deps.audit, deps.checkpoints);
      deps.logger.info('Ledger sealed', { chains: checkpoint.heads.length, hash: checkpoint.hash });
      return 'checkpoint';
    }
    case 'retain':
      return retain(deps);
    case 'rotate':
      return rotate(deps);
    default: {
      const unknown: never = task;
      throw new Error(`No scheduled task ${String(unknown)}`);
    }
  }
}

async function recover(deps: ScheduledTaskDependencies): Promise<string> {
  // Once per directory: users written before the HR match-key index and today's identifier rules
  // existed join the index and claim their canonical and look-alike keys.
  if (!(await deps.directory.hasMatchIndex())) {
    const { users, collidingUserIds } = await deps.directory.backfillMatchIndex();
    deps.logger.info('Indexed HR match keys and identifier claims of existing users', { users });
    // Ids only: the names themselves are personal data. Both users of a pair are kept.
    if (collidingUserIds.length > 0) deps.logger.warn('Existing users whose userName equals or looks like an earlier user\'s', { userIds: [...collidingUserIds] });
  }
  const outboxes = await deps.relay.recover(500);
  const plans = await deps.planner.recover(500);
  if (outboxes + plans > 0) deps.logger.info('Recovered pending work', { outboxes, plans });
  // Apps held in import mode by a failed listing are listed again (before a policy change adds
  // new ones, so a new app's failure waits a tick before its retry).
  await deps.settleImportModes();
  // After recovery, so the convergence run sees every write that was acknowledged before the change.
  const policy = await deps.convergeOnPolicyChange();
  if (policy.changed) deps.logger.info(policy.applied ? 'Policy changed; converging the directory' : 'Policy changed; convergence dry run recorded', { jobId: policy.jobId });
  return 'recover';
}

async function reconcile(deps: ScheduledTaskDependencies): Promise<string> {
  const { job, started } = await deps.reconcile({ fix: deps.config.reconciliation.fix });
  // Reports go to the ledger per app; the job says how far it got.
  deps.logger.info(started ? 'Reconciliation run' : 'Reconciliation already running', { jobId: job.id, status: job.status, slices: job.slices });
  // People whose planned access policy no longer matches are planned (or, without fix, reported
  // as a dry run), on the same schedule as the comparison with each app.
  const converged = await deps.converge({ dryRun: !deps.config.reconciliation.fix });
  deps.logger.info(converged.started ? 'Convergence run' : 'Convergence already running', { jobId: converged.job.id, status: converged.job.status });
  return 'reconcile';
}

async function retain(deps: ScheduledTaskDependencies): Promise<string> {
  const policy = deps.config.retention;
  const archive = deps.retention?.archive;
  if (!policy || !deps.retention || !archive) return 'retain (no retention configured)';
  const run = await applyRetention({ ...deps.retention, audit: deps.audit, checkpoints: deps.checkpoints, archive }, policy.keepDays);
  deps.logger.info('Retention applied', { runId: run.runId, chains: run.chains, archivedEvents: run.archivedEvents, locations: run.locations.length });
  return `retention ${run.runId}: ${run.archivedEvents} events from ${run.chains} chains`;
}

/** Local mode's rotation schedule (in AWS, Secrets Manager's own rotation schedules do this). */
async function rotate(deps: ScheduledTaskDependencies): Promise<string> {
  for (const connector of deps.config.connectors) {
    const secret = connector.credential?.secret;
    if (!secret || !connector.rotation) continue;
    try {
      if (await deps.rotation.isDue(secret, connector.rotation.intervalHours)) await deps.rotateSecret(secret, 'schedule');
    } catch (error) {
      // Recorded in the ledger by the rotation; the current credential keeps working.
      deps.logger.error('Scheduled rotation failed', { connector: connector.id, error });
    }
  }
  return 'rotate';
}
