import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { connectorRegistry } from '../connectors/registry.js';
import type { ConnectorContext } from '../lib/connector-sdk/ConnectorContext.js';
import type { ConnectorDefinition } from '../lib/connector-sdk/ConnectorDefinition.js';
import { createAdminHandler } from '../functions/admin-api/createAdminHandler.js';
import { createAuditHandler } from '../functions/audit-api/createAuditHandler.js';
import { createConsoleHandler } from '../functions/console/createConsoleHandler.js';
import { createFanoutHandler } from '../functions/fanout-worker/createFanoutHandler.js';
import { createHrWebhookHandler } from '../functions/hr-webhook/createHrWebhookHandler.js';
import { createScheduledJobHandler } from '../functions/scheduled-job/createScheduledJobHandler.js';
import { createScimHandler } from '../functions/scim/createScimHandler.js';
import { LocalLedgerArchive } from '../lib/adapters/local/LocalLedgerArchive.js';
import { LocalScheduler } from '../lib/adapters/local/LocalScheduler.js';
import { LocalSecretStore } from '../lib/adapters/local/LocalSecretStore.js';
import { LocalStepQueue } from '../lib/adapters/local/LocalStepQueue.js';
import { createDocumentClient } from '../lib/adapters/dynamodb/createDocumentClient.js';
import { ensureTables } from '../lib/adapters/dynamodb/ensureTables.js';
import { repairPendingIndex } from '../lib/adapters/dynamodb/repairPendingIndex.js';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../lib/adapters/dynamodb/tableDefinitions.js';
import { AnyTokenVerifier } from '../lib/auth/AnyTokenVerifier.js';
import { SecretStoreTokenVerifier } from '../lib/auth/SecretStoreTokenVerifier.js';
import { loadPerimeterConfig } from '../lib/config/loadPerimeterConfig.js';
import { hrWebhookSources } from '../lib/webhooks/hrWebhookSources.js';
import type { ConnectorConfig, PerimeterConfig } from '../lib/config/perimeterConfigSchema.js';
import type { Logger } from '../lib/observability/Logger.js';
import type { ScheduledJob } from '../lib/ports/Scheduler.js';
import type { SecretStore } from '../lib/ports/SecretStore.js';
import { buildEngine, type Engine } from '../lib/wiring/buildEngine.js';
import { createLocalServer, type LambdaHttpHandler } from './createLocalServer.js';
import { type ResolvedToken, resolveLocalTokens, TOKEN_SECRETS } from './resolveLocalTokens.js';
import { startEmbeddedDynamo } from './startEmbeddedDynamo.js';

export interface LocalOptions {
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
  readonly configPath?: string;
  readonly scimToken?: string;
  readonly adminToken?: string;
  /** Use this DynamoDB-compatible endpoint instead of the embedded engine. */
  readonly dynamodbEndpoint?: string;
  /** Keep the embedded engine in memory (tests); the data directory still holds the tokens. */
  readonly inMemory?: boolean;
  /** How often crash recovery looks for undelivered outboxes. */
  readonly recoveryIntervalMs?: number;
  readonly logger: Logger;
  /** The configuration itself, instead of reading `configPath` (tests). */
  readonly config?: PerimeterConfig;
  /** The secret store; defaults to the local encrypted store in the data directory. */
  readonly secrets?: SecretStore;
  /** Connector types; defaults to the built-in registry (tests add fakes). */
  readonly registry?: ReadonlyMap<string, ConnectorDefinition>;
  /** Per-connector context overrides (tests: timeouts). */
  readonly connectorContext?: (config: ConnectorConfig) => Partial<ConnectorContext>;
  /** How long steps of a suspended app wait between looks (default 30 s). */
  readonly suspendedRecheckMs?: number;
}

export interface RunningPerimeter {
  readonly url: string;
  readonly port: number;
  readonly tokens: Record<'scim' | 'admin', ResolvedToken>;
  readonly services: Engine;
  readonly queue: LocalStepQueue;
  readonly scheduler: LocalScheduler;
  /** Runs the scheduled jobs that are due now (the scheduler also does this every second). */
  runDueJobs(): Promise<number>;
  close(): Promise<void>;
}

export const TABLE_NAMES = {
  directory: 'perimeter-directory',
  ledger: 'perimeter-ledger',
  access: 'perimeter-access',
  operations: 'perimeter-operations',
} as const;

/**
 * Local mode: the embedded DynamoDB engine (or DYNAMODB_ENDPOINT), the tables, the Lambda handlers
 * behind one HTTP server, and crash recovery for work a previous process left undelivered.
 */
export async function startPerimeter(options: LocalOptions): Promise<RunningPerimeter> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const config = options.config ?? (await loadPerimeterConfig(options.configPath));

  const embedded = options.dynamodbEndpoint
    ? undefined
    : await startEmbeddedDynamo(options.inMemory ? undefined : resolve(dataDir, 'dynamodb'));
  const endpoint = options.dynamodbEndpoint ?? embedded?.endpoint;
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // The embedded engine on loopback checks that a SigV4 header is present, not what it signs;
    // computing real signatures would only cost CPU on every call.
    ...(embedded ? { signer: { sign: async (request: HttpRequest) => withPlaceholderSignature(request) } } : {}),
  });
  await ensureTables(client, [
    { definition: directoryTable, tableName: TABLE_NAMES.directory },
    { definition: ledgerTable, tableName: TABLE_NAMES.ledger },
    { definition: accessTable, tableName: TABLE_NAMES.access },
    { definition: operationsTable, tableName: TABLE_NAMES.operations },
  ]);
  const db = createDocumentClient({ client });
  // Before crash recovery reads the pending indexes: the embedded engine's index entries may lag
  // their items after a kill (see repairPendingIndex).
  if (embedded) for (const table of [TABLE_NAMES.directory, TABLE_NAMES.access]) await repairPendingIndex(db, table);
  const queue = new LocalStepQueue(db, TABLE_NAMES.operations);
  const scheduler = new LocalScheduler(db, TABLE_NAMES.operations);
  const services = buildEngine({
    db,
    tables: TABLE_NAMES,
    config,
    registry: options.registry ?? connectorRegistry,
    secrets: options.secrets ?? (await LocalSecretStore.open({ dataDir })),
    queue,
    scheduler,
    logger: options.logger,
    ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}),
    ...(options.suspendedRecheckMs ? { suspendedRecheckMs: options.suspendedRecheckMs } : {}),
    archive: new LocalLedgerArchive(dataDir),
  });

  const tokens = await resolveLocalTokens(services.secrets, {
    ...(options.scimToken ? { scim: options.scimToken } : {}),
    ...(options.adminToken ? { admin: options.adminToken } : {}),
  });
  const scimHandler = createScimHandler({
    ...services,
    // A token added or retired with the CLI takes effect within seconds.
    tokens: new SecretStoreTokenVerifier({ secrets: services.secrets, secretName: tokens.scim.secretName, cacheTtlMs: 5_000 }),
    logger: options.logger,
  });

  // The same scheduled-job handler as in AWS: due jobs, crash recovery, reconciliation.
  const scheduled = createScheduledJobHandler(services, options.logger);
  await scheduled({ task: 'recover' });
  const recovery = setInterval(() => {
    scheduled({ task: 'recover' }).catch((error: unknown) => options.logger.error('Recovery failed', { error }));
  }, options.recoveryIntervalMs ?? 5_000);
  recovery.unref();

  const fanout = createFanoutHandler({ executor: services.executor, queue, logger: options.logger });
  await queue.start(fanout);
  const runJob = async (job: ScheduledJob): Promise<void> => {
    await scheduled({ job });
  };
  scheduler.start(runJob, (error) => options.logger.error('Scheduled job failed', { error }));
  const { intervalMinutes } = config.reconciliation;
  const reconciliation =
    intervalMinutes > 0 && services.connectors.ids().length > 0
      ? setInterval(() => {
          scheduled({ task: 'reconcile' }).catch((error: unknown) => options.logger.error('Reconciliation failed', { error }));
        }, intervalMinutes * 60_000)
      : undefined;
  reconciliation?.unref();
  // Seal the ledger daily, so verification catches deleted tails and chains as well as edits.
  // With a retention policy, retention seals (and archives) instead.
  const sealing = setInterval(() => {
    scheduled({ task: config.retention ? 'retain' : 'checkpoint' }).catch((error: unknown) => options.logger.error('Sealing the ledger failed', { error }));
  }, 86_400_000);
  sealing.unref();
  const rotationTick = services.config.connectors.some((c) => c.rotation)
    ? setInterval(() => {
        scheduled({ task: 'rotate' }).catch((error: unknown) => options.logger.error('Rotation check failed', { error }));
      }, 60_000)
    : undefined;
  rotationTick?.unref();

  const hrHandler = createHrWebhookHandler({
    sources: hrWebhookSources,
    secretNames: Object.fromEntries(Object.entries(config.webhooks).map(([source, ref]) => [source, ref.secret])),
    secrets: services.secrets,
    deliveries: services.deliveries,
    applier: services.hr,
    logger: options.logger,
  });
  const adminTokens = new SecretStoreTokenVerifier({ secrets: services.secrets, secretName: tokens.admin.secretName, cacheTtlMs: 5_000 });
  const auditorTokens = new SecretStoreTokenVerifier({ secrets: services.secrets, secretName: TOKEN_SECRETS.auditor, cacheTtlMs: 5_000 });
  const adminHandler = createAdminHandler({ engine: services, tokens: adminTokens, logger: options.logger });
  const auditHandler = createAuditHandler({
    engine: services,
    audit: services.ledgerStore,
    tokens: new AnyTokenVerifier([auditorTokens, adminTokens]),
    logger: options.logger,
  });
  const server = createLocalServer(
    [
      { prefix: '/scim/v2', name: 'scim', handler: scimHandler as LambdaHttpHandler },
      { prefix: '/admin', name: 'admin', handler: adminHandler as LambdaHttpHandler },
      { prefix: '/audit', name: 'audit', handler: auditHandler as LambdaHttpHandler },
      { prefix: '/console', name: 'console', handler: createConsoleHandler() },
      { prefix: '/hooks/hr', name: 'hr-webhook', handler: hrHandler as LambdaHttpHandler },
    ],
    options.logger,
  );
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    tokens,
    services,
    queue,
    scheduler,
    runDueJobs: () => scheduler.runDue(runJob),
    close: async () => {
      clearInterval(recovery);
      if (reconciliation) clearInterval(reconciliation);
      if (rotationTick) clearInterval(rotationTick);
      clearInterval(sealing);
      scheduler.stop();
      await queue.stop();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      client.destroy();
      await embedded?.close();
    },
  };
}

function withPlaceholderSignature(request: HttpRequest): HttpRequest {
  request.headers.authorization = 'AWS4-HMAC-SHA256 Credential=local/19700101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0';
  request.headers['x-amz-date'] = '19700101T000000Z';
  return request;
}
