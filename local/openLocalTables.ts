import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { ConfigError } from '../lib/config/ConfigError.js';
import { createDocumentClient } from '../lib/adapters/dynamodb/createDocumentClient.js';
import { ensureTables } from '../lib/adapters/dynamodb/ensureTables.js';
import { repairPendingIndex } from '../lib/adapters/dynamodb/repairPendingIndex.js';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../lib/adapters/dynamodb/tableDefinitions.js';
import { startEmbeddedDynamo } from './startEmbeddedDynamo.js';

export type LocalTableNames = Readonly<Record<'directory' | 'ledger' | 'access' | 'operations', string>>;

/**
 * The tables of one Perimeter, `<prefix>-directory` and so on: several Perimeters (or test runs)
 * can share one DynamoDB-compatible endpoint under different prefixes.
 */
export function localTableNames(prefix: string): LocalTableNames {
  // DynamoDB's own rule for table names (3-255 of these characters), with room for the suffixes.
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(prefix)) throw new ConfigError(`Table prefix "${prefix}" must be 1-200 letters, digits, '_', '.' or '-'`);
  return { directory: `${prefix}-directory`, ledger: `${prefix}-ledger`, access: `${prefix}-access`, operations: `${prefix}-operations` };
}

export const TABLE_NAMES: LocalTableNames = localTableNames('perimeter');

export interface LocalTables {
  readonly db: DynamoDBDocumentClient;
  readonly names: LocalTableNames;
  close(): Promise<void>;
}

/**
 * Local mode's storage: the embedded DynamoDB engine persisting under the data directory (in memory
 * for tests), or a DynamoDB-compatible endpoint; the tables created on first start.
 */
export async function openLocalTables(options: {
  readonly dataDir: string;
  readonly inMemory?: boolean;
  readonly endpoint?: string;
  /** The external endpoint's credentials (DynamoDB Local and LocalStack accept any). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Default TABLE_NAMES. */
  readonly names?: LocalTableNames;
}): Promise<LocalTables> {
  const names = options.names ?? TABLE_NAMES;
  const embedded = options.endpoint ? undefined : await startEmbeddedDynamo(options.inMemory ? undefined : resolve(options.dataDir, 'dynamodb'));
  const endpoint = options.endpoint ?? embedded?.endpoint;
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, credentials: embedded?.credentials ?? options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    // The embedded engine on loopback checks the access key in the SigV4 header (its own, random
    // per start), not the signature; computing real signatures would only cost CPU on every call.
    ...(embedded ? { signer: { sign: async (request: HttpRequest) => withPlaceholderSignature(request, embedded.credentials.accessKeyId) } } : {}),
  });
  await ensureTables(client, [
    { definition: directoryTable, tableName: names.directory },
    { definition: ledgerTable, tableName: names.ledger },
    { definition: accessTable, tableName: names.access },
    { definition: operationsTable, tableName: names.operations },
  ]);
  const db = createDocumentClient({ client });
  // Before crash recovery reads the pending indexes: the embedded engine's index entries may lag
  // their items after a kill (see repairPendingIndex).
  if (embedded) for (const table of [names.directory, names.access]) await repairPendingIndex(db, table);
  return {
    db,
    names,
    close: async () => {
      client.destroy();
      await embedded?.close();
    },
  };
}

function withPlaceholderSignature(request: HttpRequest, accessKeyId: string): HttpRequest {
  request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/19700101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0`;
  request.headers['x-amz-date'] = '19700101T000000Z';
  return request;
}
