import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccessStore } from '../adapters/dynamodb/DynamoAccessStore.js';
import { DynamoCheckpointStore } from '../adapters/dynamodb/DynamoCheckpointStore.js';
import { DynamoDeliveryLog } from '../adapters/dynamodb/DynamoDeliveryLog.js';
import { DynamoDirectoryStore } from '../adapters/dynamodb/DynamoDirectoryStore.js';
import { DynamoImportStore } from '../adapters/dynamodb/DynamoImportStore.js';
import { DynamoJobStore } from '../adapters/dynamodb/DynamoJobStore.js';
import { DynamoLedgerStore } from '../adapters/dynamodb/DynamoLedgerStore.js';
import { DynamoStepStore } from '../adapters/dynamodb/DynamoStepStore.js';
import type { ConnectorContext } from '../connector-sdk/ConnectorContext.js';
import type { ConnectorDefinition } from '../connector-sdk/ConnectorDefinition.js';
import type { CredentialType } from '../connector-sdk/Credential.js';
import type { CredentialRotator } from '../connector-sdk/CredentialRotator.js';
import type { ConnectorConfig, PerimeterConfig } from '../config/perimeterConfigSchema.js';
import { CredentialCache } from '../credentials/CredentialCache.js';
import { CredentialRotation } from '../credentials/CredentialRotation.js';
import { parseCredential } from '../credentials/parseCredential.js';
import { PeopleDirectory } from '../directory/PeopleDirectory.js';
import { OutboxRelay } from '../directory/OutboxRelay.js';
import { ConnectorRuntime } from '../fanout/ConnectorRuntime.js';
import { StepExecutor } from '../fanout/StepExecutor.js';
import { HrEventApplier } from '../hr/HrEventApplier.js';
import { Ledger } from '../ledger/Ledger.js';
import { LifecyclePipeline } from '../lifecycle/LifecyclePipeline.js';
import type { Logger } from '../observability/Logger.js';
import { Planner } from '../plan/Planner.js';
import type { LedgerArchive } from '../ports/LedgerArchive.js';
import type { Scheduler } from '../ports/Scheduler.js';
import type { SecretStore } from '../ports/SecretStore.js';
import type { StepQueue } from '../ports/StepQueue.js';
import { Reconciler } from '../reconcile/Reconciler.js';
import { ScimGroups } from '../scim/ScimGroups.js';
import { ScimUsers } from '../scim/ScimUsers.js';
import { hrWebhookSources } from '../webhooks/hrWebhookSources.js';
import type { AdminOperations } from './admin/AdminOperations.js';
import { applyPersonPlan } from './admin/applyPersonPlan.js';
import { cancelScheduledJob } from './admin/cancelScheduledJob.js';
import { listScheduledJobs } from './admin/listScheduledJobs.js';
import { getJob } from './admin/getJob.js';
import { JOB_BUDGETS } from './jobs/jobBudgets.js';
import { JobRunner } from './jobs/JobRunner.js';
import { convergeJob } from './jobs/convergeJob.js';
import { importAccountsJob } from './jobs/importAccountsJob.js';
import { approveImportJob } from './jobs/approveImportJob.js';
import { convergeOnPolicyChange } from './scheduled/convergeOnPolicyChange.js';
import { policyFingerprint } from './scheduled/policyFingerprint.js';
import { settleImportModes } from './scheduled/settleImportModes.js';
import { ImportingApps } from './ImportingApps.js';
import type { AdminRequest } from './AdminRequest.js';
import type { Job } from '../domain/Job.js';
import { planPreviewJob } from './jobs/planPreviewJob.js';
import { reconcileJob } from './jobs/reconcileJob.js';
import { getJobPart } from './admin/getJobPart.js';
import { listConnectors } from './admin/listConnectors.js';
import { lockOutPerson } from './admin/lockOutPerson.js';
import { convergeDirectory } from './admin/convergeDirectory.js';
import { previewPlans } from './admin/previewPlans.js';
import { reconcileApps } from './admin/reconcileApps.js';
import { approveAccountImport } from './admin/approveAccountImport.js';
import { getAccountImport } from './admin/getAccountImport.js';
import { importAccounts } from './admin/importAccounts.js';
import { setAccountLink } from './admin/setAccountLink.js';
import { replayDeadLetter } from './admin/replayDeadLetter.js';
import { type RotateSecret, rotateConnectorCredential } from './admin/rotateConnectorCredential.js';
import { sealLedgerNow } from './admin/sealLedgerNow.js';
import { setConnectorSuspended } from './admin/setConnectorSuspended.js';
import { unlockPerson } from './admin/unlockPerson.js';
import type { Application } from './Application.js';
import { runScheduledJob } from './scheduled/runScheduledJob.js';
import { runScheduledTask } from './scheduled/runScheduledTask.js';

export interface ApplicationTables {
  readonly directory: string;
  readonly ledger: string;
  readonly access: string;
  readonly operations: string;
}

/** What differs between AWS and local mode; everything else is wired the same way, here. */
export interface ApplicationOptions {
  readonly db: DynamoDBDocumentClient;
  readonly tables: ApplicationTables;
  readonly config: PerimeterConfig;
  /** Connector types by name (connectors/registry.ts; tests add fakes). */
  readonly registry: ReadonlyMap<string, ConnectorDefinition>;
  /** The rotator for each credential type that can be rotated by API (connectors/credentialRotators.ts). */
  readonly rotators: Readonly<Partial<Record<CredentialType, CredentialRotator>>>;
  readonly secrets: SecretStore;
  readonly queue: StepQueue;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Per-connector overrides of the connector context (tests: fetch, timeouts). */
  readonly connectorContext?: (config: ConnectorConfig) => Partial<ConnectorContext>;
  /** How long steps of a suspended app wait between looks. */
  readonly suspendedRecheckMs?: number;
  /**
   * Rotates a credential now. Default: in this process (local mode). In AWS: Secrets Manager's
   * RotateSecret, which runs the rotation Lambda and serialises rotations across workers.
   */
  readonly rotateSecret?: RotateSecret;
  /** Where retention archives ledger events (only the processes that run retention). */
  readonly archive?: LedgerArchive;
}

/**
 * The one composition root, used by every Lambda handler and by local mode: the stores on DynamoDB,
 * the connectors, the domain services, the lifecycle pipeline (directory write → ledger → planner)
 * and the use cases, each given only what it needs.
 */
export function buildApplication(options: ApplicationOptions): Application {
  const { db, tables, config, logger, secrets, queue, scheduler } = options;
  const directory = new DynamoDirectoryStore(db, tables.directory);
  const ledgerStore = new DynamoLedgerStore(db, tables.ledger);
  const access = new DynamoAccessStore(db, tables.access);
  const steps = new DynamoStepStore(db, tables.operations);
  const checkpoints = new DynamoCheckpointStore(db, tables.operations);
  const deliveries = new DynamoDeliveryLog(db, tables.operations);
  const ledger = new Ledger(ledgerStore);

  const rotatorFor = (credential: { type: string }): CredentialRotator | undefined => options.rotators[credential.type as CredentialType];
  const rotation = new CredentialRotation({ secrets, ledger, ledgerStore, rotatorFor, parse: parseCredential });
  const rotateSecret: RotateSecret = options.rotateSecret ?? ((name, actor) => rotation.rotateNow(name, actor));
  const credentials = new CredentialCache({
    secrets,
    parse: parseCredential,
    rotatorFor,
    refresh: async (name) => {
      await rotateSecret(name, 'credential-cache');
      credentials.invalidate(name);
    },
  });
  const connectors = new ConnectorRuntime({
    configs: config.connectors,
    registry: options.registry,
    accessToken: (name) => credentials.tokenSource(name),
    ...(options.connectorContext ? { context: options.connectorContext } : {}),
  });

  const imports = new DynamoImportStore(db, tables.operations);
  const importing = new ImportingApps({ imports, apps: () => connectors.ids() });
  const planner = new Planner({
    access,
    directory,
    queue,
    scheduler,
    rules: config.policy.rules,
    leaver: config.leaver,
    capabilities: () => connectors.capabilities(),
    importing: () => importing.list(),
  });
  const pipeline = new LifecyclePipeline({ ledger, planner });
  const relay = new OutboxRelay(directory, pipeline);
  const scimDeps = { store: directory, relay, logger };
  const people = new PeopleDirectory({ store: directory, relay, logger, authority: config.authority });
  const users = new ScimUsers({ store: directory, people });
  const executor = new StepExecutor({
    connectors,
    access,
    steps,
    ledger,
    logger,
    ...(options.suspendedRecheckMs ? { suspendedRecheckMs: options.suspendedRecheckMs } : {}),
  });
  const reconciler = new Reconciler({ connectors, directory, access, planner, ledger, importing: (app) => importing.has(app) });
  const applier = new HrEventApplier({ people, directory, scheduler, ledger });
  const reconciliation = reconcileJob({ reconciler });
  const preview = planPreviewJob({ planner });
  const convergence = convergeJob({ planner, directory, ledger });
  const jobStore = new DynamoJobStore(db, tables.operations);
  const accountImport = importAccountsJob({ connectors, directory, access, imports, parts: jobStore, ledger });
  // An app leaving import mode converges at once: applied only where the operator chose autoApply.
  const convergeAfterImport = async (app: string, budgetMs: number, request: AdminRequest): Promise<{ readonly job: Job; readonly dryRun: boolean }> => {
    const dryRun = !config.convergence.autoApply;
    const source = { channel: 'admin' as const, actor: request.actor, requestId: request.requestId, operation: request.operation };
    const { job } = await jobs.start(convergence, { dryRun, app, source }, request.actor, budgetMs);
    return { job, dryRun };
  };
  const importApproval = approveImportJob({ connectors, directory, access, imports, importing, parts: jobStore, ledger, converge: (run, by) => convergeAfterImport(run.app, run.budgetMs, by) });
  const jobs = new JobRunner({ jobs: jobStore, scheduler, ledger }, [reconciliation, preview, convergence, accountImport, importApproval]);
  const importModes = { connectors, imports, importing, ledger, logger };

  const admin: AdminOperations = {
    previewPlans: (request, admin) => previewPlans({ planner, directory, runner: jobs, job: preview }, request, admin),
    listConnectors: () => listConnectors({ connectors, steps, rotation, imports }),
    setConnectorSuspended: (input, request) => setConnectorSuspended({ connectors, steps, executor, ledger }, input, request),
    rotateConnectorCredential: (id, request) => rotateConnectorCredential({ connectors, rotation, rotateSecret }, id, request),
    lockOutPerson: (personId, request) => lockOutPerson({ directory, planner, ledger }, personId, request),
    unlockPerson: (personId, request) => unlockPerson({ directory, planner, ledger }, personId, request),
    applyPersonPlan: (input, request) => applyPersonPlan({ directory, connectors, planner, ledger }, input, request),
    sealLedger: () => sealLedgerNow({ audit: ledgerStore, checkpoints }),
    importAccounts: (app, request) => importAccounts({ connectors, runner: jobs, job: accountImport }, app, request),
    getAccountImport: (app) => getAccountImport({ connectors, imports, parts: jobStore }, app),
    approveAccountImport: (input, request) => approveAccountImport({ connectors, imports, runner: jobs, job: importApproval }, input, request),
    setAccountLink: (input, request) => setAccountLink({ connectors, directory, access, imports, parts: jobStore, ledger }, input, request),
    reconcile: (input, request) => reconcileApps({ connectors, reconciler, runner: jobs, job: reconciliation }, input, request),
    converge: (input, request) => convergeDirectory({ connectors, runner: jobs, job: convergence }, input, request),
    getJob: (jobId) => getJob(jobs, jobId),
    getJobPart: (jobId, name) => getJobPart(jobs, jobId, name),
    listDeadLetters: (limit, cursor) => steps.listDeadLetters(limit, cursor),
    replayDeadLetter: (stepId, request) => replayDeadLetter({ steps, queue, ledger }, stepId, request),
    listScheduledJobs: (page) => listScheduledJobs(scheduler, page),
    cancelScheduledJob: (input, request) => cancelScheduledJob({ scheduler, ledger }, input, request),
  };
  const scheduledConvergence = (input: { readonly dryRun: boolean }): ReturnType<typeof jobs.start> =>
    jobs.start(convergence, { ...input, source: { channel: 'schedule', actor: 'scheduler' } }, 'schedule', JOB_BUDGETS.scheduled);
  const taskDeps = {
    config,
    directory,
    relay,
    planner,
    reconcile: (input: { readonly fix: boolean }) => jobs.start(reconciliation, input, 'schedule', JOB_BUDGETS.scheduled),
    converge: scheduledConvergence,
    convergeOnPolicyChange: () =>
      convergeOnPolicyChange(
        { ledgerStore, ledger, converge: scheduledConvergence, settleNewApps: (apps) => settleImportModes(importModes, apps) },
        { fingerprint: policyFingerprint(config), apps: connectors.ids() },
        config.convergence.autoApply,
      ),
    settleImportModes: () => settleImportModes(importModes, []),
    audit: ledgerStore,
    checkpoints,
    retention: { pruner: ledgerStore, ledger, ...(options.archive ? { archive: options.archive } : {}) },
    rotation,
    rotateSecret,
    logger,
  };

  return {
    config,
    stores: { directory, ledger: ledgerStore, access, steps, checkpoints, deliveries, secrets },
    scim: { users, groups: new ScimGroups(scimDeps) },
    hr: {
      sources: hrWebhookSources,
      secretNames: Object.fromEntries(Object.entries(config.webhooks).map(([source, ref]) => [source, ref.secret])),
      secrets,
      deliveries,
      applier,
    },
    admin,
    audit: { audit: ledgerStore, directory, access, steps, checkpoints, scheduler, apps: () => connectors.ids() },
    executor,
    scheduled: {
      runTask: (task) => runScheduledTask(taskDeps, task),
      runJob: (job) => runScheduledJob({ queue, hr: applier, jobs }, job),
    },
    rotation,
    ledger,
  };
}
