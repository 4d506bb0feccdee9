import { join } from 'node:path';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../../lib/adapters/dynamodb/createDocumentClient.js';
import { DynamoLedgerStore } from '../../../lib/adapters/dynamodb/DynamoLedgerStore.js';
import { localTableNames, TABLE_NAMES } from '../../../local/openLocalTables.js';
import { startEmbeddedDynamo } from '../../../local/startEmbeddedDynamo.js';
import { tablePrefixFor, testDynamo } from '../../support/testDynamo.js';

type Item = Record<string, unknown>;

/** What a crash may leave behind, read straight from the tables; all zero when nothing is stuck. */
export interface LeftoverWork {
  /** Messages still on the local step queue. */
  readonly queued: number;
  /** Step records that started and never finished (done or dead-lettered). */
  readonly runningSteps: number;
  readonly deadLetters: number;
  /** Directory writes whose outbox (ledger appends, plans) was never delivered. */
  readonly pendingOutboxes: number;
  /** Plans written but never put on the queue. */
  readonly pendingPlans: number;
}

export interface DataDirTables {
  readonly ledger: DynamoLedgerStore;
  leftoverWork(): Promise<LeftoverWork>;
  close(): Promise<void>;
}

/**
 * Opens a stopped Perimeter's data directory with the embedded engine alone (no recovery, no
 * queue, no scheduler), so what a crash left behind is seen as it is and not quietly finished by
 * the inspection itself, as starting Perimeter would do. On the run's DynamoDB Local, its tables there.
 */
export async function openDataDirTables(dataDir: string): Promise<DataDirTables> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const shared = testDynamo();
  const engine = shared ? undefined : await startEmbeddedDynamo(join(dataDir, 'dynamodb'));
  const tables = shared ? localTableNames(tablePrefixFor(dataDir)) : TABLE_NAMES;
  const db = createDocumentClient({ endpoint: shared?.endpoint ?? engine?.endpoint, credentials: shared?.credentials ?? engine?.credentials });
  return {
    ledger: new DynamoLedgerStore(db, tables.ledger),
    leftoverWork: async () => {
      const operations = await scanAll(db, tables.operations);
      const pk = (item: Item): string => String(item.pk);
      return {
        queued: operations.filter((item) => pk(item) === 'QUEUE').length,
        runningSteps: operations.filter((item) => pk(item).startsWith('STEP#') && (item.status ?? 'running') === 'running').length,
        deadLetters: operations.filter((item) => pk(item).startsWith('STEP#') && item.status === 'dead-lettered').length,
        pendingOutboxes: (await scanAll(db, tables.directory)).filter((item) => item.outboxId !== undefined).length,
        pendingPlans: (await scanAll(db, tables.access)).filter((item) => item.pendingPk !== undefined).length,
      };
    },
    close: async () => {
      db.destroy();
      await engine?.close();
    },
  };
}

async function scanAll(db: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey as Item | undefined;
  } while (startKey);
  return items;
}
