import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RunningPerimeter } from '../../local/startPerimeter.js';

/** Every item of every table, keyed by table and primary key, as canonical-enough JSON. */
export type TableSnapshot = Readonly<Record<string, string>>;

/**
 * Reads all four tables of a running Perimeter, so a test can prove that a refused request wrote
 * nothing anywhere (directory, ledger, access, operations), not just in the table it expected.
 * A scan is fine here: test data sets are small, and it sees writes no port would show.
 */
export async function snapshotTables(perimeter: Pick<RunningPerimeter, 'stores' | 'tables'>): Promise<TableSnapshot> {
  // The engine exposes ports, not its client; the ledger store holds the shared document client.
  const db = (perimeter.stores.ledger as unknown as { db: DynamoDBDocumentClient }).db;
  const snapshot: Record<string, string> = {};
  for (const tableName of Object.values(perimeter.tables)) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
      for (const item of page.Items ?? []) {
        const key = 'chain' in item ? `${String(item.chain)}|${String(item.seq)}` : `${String(item.pk)}|${String(item.sk)}`;
        snapshot[`${tableName}|${key}`] = JSON.stringify(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return snapshot;
}
