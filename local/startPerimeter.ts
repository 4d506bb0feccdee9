import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { credentialRotators } from '../connectors/credentialRotators.js';
import { connectorRegistry } from '../connectors/registry.js';
import { LocalLedgerArchive } from '../lib/adapters/local/LocalLedgerArchive.js';
import { LocalScheduler } from '../lib/adapters/local/LocalScheduler.js';
import { LocalSecretStore } from '../lib/adapters/local/LocalSecretStore.js';
import { LocalStepQueue } from '../lib/adapters/local/LocalStepQueue.js';
import type { Application, ApplicationStores } from '../lib/application/Application.js';
import { buildApplication } from '../lib/application/buildApplication.js';
import { recurringSchedules } from '../lib/application/scheduled/recurringSchedules.js';
import type { ConnectorContext } from '../lib/connector-sdk/ConnectorContext.js';
import type { ConnectorDefinition } from '../lib/connector-sdk/ConnectorDefinition.js';
import { loadPerimeterConfig } from '../lib/config/loadPerimeterConfig.js';
import type { ConnectorConfig, PerimeterConfig } from '../lib/config/perimeterConfigSchema.js';
import type { Logger } from '../lib/observability/Logger.js';
import type { ScheduledJob } from '../lib/ports/Scheduler.js';
import type { SecretStore } from '../lib/ports/SecretStore.js';
import { createFanoutHandler } from '../functions/fanout-worker/createFanoutHandler.js';
import { localRoutes } from './localRoutes.js';
import { createLocalServer } from './createLocalServer.js';
import type { LocalHttpLimits } from './LocalHttpLimits.js';
import { type LocalTableNames, localTableNames, openLocalTables, TABLE_NAMES } from './openLocalTables.js';
import { type ResolvedToken, resolveLocalTokens } from './resolveLocalTokens.js';
import { restrictDataDir } from './restrictDataDir.js';
import { startLocalSchedules } from './startLocalSchedules.js';

export { TABLE_NAMES };

export interface LocalOptions {
  readonly port: number;
  readonly host?: string;
  readonly dataDir: string;
  readonly configPath?: string;
  readonly scimToken?: string;
  readonly adminToken?: string;
  /** Use this DynamoDB-compatible endpoint instead of the embedded engine. */
  readonly dynamodbEndpoint?: string;
  /** Its credentials, if it checks them (default placeholders). */
  readonly dynamodbCredentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Tables are `<prefix>-directory` and so on (default `perimeter`), so several can share an endpoint. */
  readonly tablePrefix?: string;
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
  /** Connection cap and request timeouts of the HTTP server (defaults: DEFAULT_LOCAL_HTTP_LIMITS). */
  readonly httpLimits?: LocalHttpLimits;
}

export interface RunningPerimeter {
  readonly url: string;
  readonly port: number;
  readonly tokens: Record<'scim' | 'admin', ResolvedToken>;
  readonly app: Application;
  readonly stores: ApplicationStores;
  readonly tables: LocalTableNames;
  readonly queue: LocalStepQueue;
  readonly scheduler: LocalScheduler;
  /** Runs the scheduled jobs that are due now (the scheduler also does this every second). */
  runDueJobs(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Local mode: the application (built by the same root as in AWS) on the embedded DynamoDB engine
 * (or DYNAMODB_ENDPOINT), the Lambda handlers behind one HTTP server, the durable local queue and
 * scheduler, the recurring schedules as timers, and crash recovery for work a previous process
 * left undelivered.
 */
export async function startPerimeter(options: LocalOptions): Promise<RunningPerimeter> {
  const dataDir = resolve(options.dataDir);
  // Everything local mode writes (the engine's files, secrets, archives) is for this user alone,
  // whatever the shell's umask; and what an earlier start left with looser modes is tightened.
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await restrictDataDir(dataDir);
  const config = options.config ?? (await loadPerimeterConfig(options.configPath));
  const names = options.tablePrefix === undefined ? TABLE_NAMES : localTableNames(options.tablePrefix);
  const tables = await openLocalTables({ dataDir, names, ...(options.inMemory ? { inMemory: true } : {}), ...(options.dynamodbEndpoint ? { endpoint: options.dynamodbEndpoint } : {}), ...(options.dynamodbCredentials ? { credentials: options.dynamodbCredentials } : {}) });
  const queue = new LocalStepQueue(tables.db, names.operations);
  const scheduler = new LocalScheduler(tables.db, names.operations);
  const app = buildApplication({
    db: tables.db,
    tables: names,
    config,
    registry: options.registry ?? connectorRegistry,
    rotators: credentialRotators,
    secrets: options.secrets ?? (await LocalSecretStore.open({ dataDir })),
    queue,
    scheduler,
    logger: options.logger,
    ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}),
    ...(options.suspendedRecheckMs ? { suspendedRecheckMs: options.suspendedRecheckMs } : {}),
    archive: new LocalLedgerArchive(dataDir),
  });
  const tokens = await resolveLocalTokens(app.stores.secrets, {
    ...(options.scimToken ? { scim: options.scimToken } : {}),
    ...(options.adminToken ? { admin: options.adminToken } : {}),
  });

  // What a killed process left pending is delivered before anything new is served.
  await app.scheduled.runTask('recover');
  const stopSchedules = startLocalSchedules(recurringSchedules(config, { ...(options.recoveryIntervalMs ? { localRecoveryMs: options.recoveryIntervalMs } : {}) }), app.scheduled, options.logger);
  await queue.start(createFanoutHandler({ executor: app.executor, queue, logger: options.logger }));
  const runJob = async (job: ScheduledJob): Promise<void> => {
    await app.scheduled.runJob(job);
  };
  scheduler.start(runJob, (error) => options.logger.error('Scheduled job failed', { error }));

  const server = createLocalServer(localRoutes(app, tokens, options.logger), options.logger, options.httpLimits);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    tokens,
    app,
    stores: app.stores,
    tables: names,
    queue,
    scheduler,
    runDueJobs: () => scheduler.runDue(runJob),
    close: async () => {
      stopSchedules();
      scheduler.stop();
      await queue.stop();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await tables.close();
    },
  };
}
