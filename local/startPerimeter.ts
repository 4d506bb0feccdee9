import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { createScimHandler } from '../functions/scim/createScimHandler.js';
import { createDocumentClient } from '../lib/adapters/dynamodb/createDocumentClient.js';
import { ensureTables } from '../lib/adapters/dynamodb/ensureTables.js';
import { directoryTable, ledgerTable } from '../lib/adapters/dynamodb/tableDefinitions.js';
import { StaticTokenVerifier } from '../lib/auth/StaticTokenVerifier.js';
import { loadPerimeterConfig } from '../lib/config/loadPerimeterConfig.js';
import type { Logger } from '../lib/observability/Logger.js';
import { buildScimServices, type ScimWiring } from '../lib/wiring/buildScimServices.js';
import { createLocalServer, type LambdaHttpHandler } from './createLocalServer.js';
import { type ResolvedToken, resolveLocalTokens } from './resolveLocalTokens.js';
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
}

export interface RunningPerimeter {
  readonly url: string;
  readonly port: number;
  readonly tokens: Record<'scim' | 'admin', ResolvedToken>;
  readonly services: ScimWiring;
  close(): Promise<void>;
}

export const TABLE_NAMES = { directory: 'perimeter-directory', ledger: 'perimeter-ledger' } as const;

/**
 * Local mode: the embedded DynamoDB engine (or DYNAMODB_ENDPOINT), the tables, the Lambda handlers
 * behind one HTTP server, and crash recovery for work a previous process left undelivered.
 */
export async function startPerimeter(options: LocalOptions): Promise<RunningPerimeter> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await loadPerimeterConfig(options.configPath);

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
  ]);
  const services = buildScimServices(createDocumentClient({ client }), TABLE_NAMES, options.logger);

  const tokens = await resolveLocalTokens(dataDir, {
    ...(options.scimToken ? { scim: options.scimToken } : {}),
    ...(options.adminToken ? { admin: options.adminToken } : {}),
  });
  const scimHandler = createScimHandler({
    ...services,
    tokens: new StaticTokenVerifier([tokens.scim.hashed]),
    logger: options.logger,
  });

  const recovered = await services.relay.recover(1000);
  if (recovered > 0) options.logger.info('Delivered changes left pending by an earlier run', { outboxes: recovered });
  const recovery = setInterval(() => {
    services.relay.recover().catch((error: unknown) => options.logger.error('Outbox recovery failed', { error }));
  }, options.recoveryIntervalMs ?? 5_000);
  recovery.unref();

  const server = createLocalServer([{ prefix: '/scim/v2', name: 'scim', handler: scimHandler as LambdaHttpHandler }], options.logger);
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
    close: async () => {
      clearInterval(recovery);
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
