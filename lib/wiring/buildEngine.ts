import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectorContext } from '../connector-sdk/ConnectorContext.js';
import type { ConnectorDefinition } from '../connector-sdk/ConnectorDefinition.js';
import { DynamoAccessStore } from '../adapters/dynamodb/DynamoAccessStore.js';
import { DynamoCheckpointStore } from '../adapters/dynamodb/DynamoCheckpointStore.js';
import { DynamoDeliveryLog } from '../adapters/dynamodb/DynamoDeliveryLog.js';
import { DynamoStepStore } from '../adapters/dynamodb/DynamoStepStore.js';
import type { ConnectorConfig, PerimeterConfig } from '../config/perimeterConfigSchema.js';
import { CredentialCache } from '../credentials/CredentialCache.js';
import { CredentialRotation, type RotationRun } from '../credentials/CredentialRotation.js';
import { credentialRotators } from '../../connectors/credentialRotators.js';
import { parseCredential } from '../credentials/parseCredential.js';
import { ConnectorRuntime } from '../fanout/ConnectorRuntime.js';
import { StepExecutor } from '../fanout/StepExecutor.js';
import { HrEventApplier } from '../hr/HrEventApplier.js';
import type { Logger } from '../observability/Logger.js';
import { Planner } from '../plan/Planner.js';
import { Reconciler } from '../reconcile/Reconciler.js';
import type { AccessStore } from '../ports/AccessStore.js';
import type { CheckpointStore } from '../ports/CheckpointStore.js';
import type { LedgerArchive } from '../ports/LedgerArchive.js';
import type { DeliveryLog } from '../ports/DeliveryLog.js';
import type { Scheduler } from '../ports/Scheduler.js';
import type { SecretStore } from '../ports/SecretStore.js';
import type { StepQueue } from '../ports/StepQueue.js';
import type { StepStore } from '../ports/StepStore.js';
import { buildScimServices, type ScimWiring, type TableNames } from './buildScimServices.js';

export interface EngineTableNames extends TableNames {
  readonly access: string;
  readonly operations: string;
}

export interface EngineOptions {
  readonly db: DynamoDBDocumentClient;
  readonly tables: EngineTableNames;
  readonly config: PerimeterConfig;
  readonly registry: ReadonlyMap<string, ConnectorDefinition>;
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
  readonly rotateSecret?: (secretName: string, actor: string) => Promise<RotationRun | 'requested'>;
  /** Where retention archives ledger events (needed only when the config sets `retention`). */
  readonly archive?: LedgerArchive;
}

export interface Engine extends ScimWiring {
  readonly config: PerimeterConfig;
  readonly access: AccessStore;
  readonly steps: StepStore;
  readonly connectors: ConnectorRuntime;
  readonly planner: Planner;
  readonly executor: StepExecutor;
  readonly reconciler: Reconciler;
  readonly hr: HrEventApplier;
  readonly checkpoints: CheckpointStore;
  readonly archive?: LedgerArchive;
  readonly deliveries: DeliveryLog;
  readonly queue: StepQueue;
  readonly scheduler: Scheduler;
  readonly secrets: SecretStore;
  readonly credentials: CredentialCache;
  readonly rotation: CredentialRotation;
  readonly rotateSecret: (secretName: string, actor: string) => Promise<RotationRun | 'requested'>;
}

/**
 * The composition root of the lifecycle engine, shared by local mode and the Lambda handlers:
 * directory and ledger, access and step stores, connectors, planner and executor, and the wiring
 * that plans every recorded lifecycle event.
 */
export function buildEngine(options: EngineOptions): Engine {
  const scim = buildScimServices(options.db, options.tables, options.logger);
  const rotatorFor = (credential: { type: string }) => credentialRotators[credential.type as keyof typeof credentialRotators];
  const rotation = new CredentialRotation({ secrets: options.secrets, ledger: scim.ledger, ledgerStore: scim.ledgerStore, rotatorFor, parse: parseCredential });
  const rotateSecret = options.rotateSecret ?? ((name: string, actor: string) => rotation.rotateNow(name, actor));
  const credentials = new CredentialCache({
    secrets: options.secrets,
    parse: parseCredential,
    rotatorFor,
    refresh: async (name) => {
      await rotateSecret(name, 'credential-cache');
      credentials.invalidate(name);
    },
  });
  const access = new DynamoAccessStore(options.db, options.tables.access);
  const steps = new DynamoStepStore(options.db, options.tables.operations);
  const connectors = new ConnectorRuntime({
    configs: options.config.connectors,
    registry: options.registry,
    accessToken: (name) => credentials.tokenSource(name),
    ...(options.connectorContext ? { context: options.connectorContext } : {}),
  });
  const planner = new Planner({
    access,
    directory: scim.directoryStore,
    queue: options.queue,
    scheduler: options.scheduler,
    rules: options.config.policy.rules,
    leaver: options.config.leaver,
    capabilities: () => connectors.capabilities(),
  });
  const executor = new StepExecutor({
    connectors,
    access,
    steps,
    ledger: scim.ledger,
    logger: options.logger,
    ...(options.suspendedRecheckMs ? { suspendedRecheckMs: options.suspendedRecheckMs } : {}),
  });
  const reconciler = new Reconciler({ connectors, directory: scim.directoryStore, access, queue: options.queue, ledger: scim.ledger });
  if (connectors.ids().length > 0) scim.relay.onLifecycleEvent((event) => planner.planEvent(event).then(() => undefined));
  return {
    ...scim,
    config: options.config,
    access,
    steps,
    connectors,
    planner,
    executor,
    reconciler,
    hr: new HrEventApplier({ users: scim.users, directory: scim.directoryStore, scheduler: options.scheduler, ledger: scim.ledger }),
    deliveries: new DynamoDeliveryLog(options.db, options.tables.operations),
    checkpoints: new DynamoCheckpointStore(options.db, options.tables.operations),
    ...(options.archive ? { archive: options.archive } : {}),
    queue: options.queue,
    scheduler: options.scheduler,
    secrets: options.secrets,
    credentials,
    rotation,
    rotateSecret,
  };
}
