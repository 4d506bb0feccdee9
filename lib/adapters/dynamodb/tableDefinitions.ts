/**
 * The DynamoDB key design, in one place: the CDK stateful stack and the local engine both build
 * their tables from these definitions, so the keys the code queries are the keys that exist.
 * README.md ("Data model") explains what each key and index serves.
 */
export type KeyType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey: KeyDefinition;
}

export interface TableDefinition {
  /** Stable id: the CDK logical id and the local table name suffix. Never rename. */
  readonly id: 'Directory' | 'Ledger' | 'Access' | 'Operations';
  readonly partitionKey: KeyDefinition;
  readonly sortKey: KeyDefinition;
  readonly globalIndexes: readonly IndexDefinition[];
}

const s = (name: string): KeyDefinition => ({ name, type: 'S' });

export const directoryTable: TableDefinition = {
  id: 'Directory',
  partitionKey: s('pk'),
  sortKey: s('sk'),
  globalIndexes: [
    // Resources by type (list without a Scan) and, overloaded, the groups a user belongs to.
    { indexName: 'gsi1', partitionKey: s('gsi1pk'), sortKey: s('gsi1sk') },
    // Lookups by externalId (Entra ID filters on it before every create).
    { indexName: 'gsi2', partitionKey: s('gsi2pk'), sortKey: s('gsi2sk') },
    // Sparse: only items with an undelivered outbox carry these keys, so recovery reads just them.
    { indexName: 'pending', partitionKey: s('pendingPk'), sortKey: s('pendingSk') },
  ],
};

export const ledgerTable: TableDefinition = {
  id: 'Ledger',
  // One hash chain per unit of serialisation: a person's lifecycle (person#<id>), a person's access
  // in one app (access#<person>#<app>, whose steps run in order), a group, a connector. seq orders
  // a chain and forbids forks; separate chains let apps record outcomes in parallel.
  partitionKey: s('chain'),
  sortKey: { name: 'seq', type: 'N' },
  globalIndexes: [
    // Time-range queries: one partition per UTC day, sorted by record time.
    { indexName: 'byTime', partitionKey: s('dayKey'), sortKey: s('timeKey') },
    // An app's history (sparse: only events that concern an app carry appKey).
    { indexName: 'byApp', partitionKey: s('appKey'), sortKey: s('timeKey') },
    // A person's history across their chains (lifecycle events, and each app's step outcomes).
    { indexName: 'byPerson', partitionKey: s('personKey'), sortKey: s('timeKey') },
    // An entitlement's history: who was granted or lost it, when (ENT#<app>#<entitlement>).
    { indexName: 'byEntitlement', partitionKey: s('entitlementKey'), sortKey: s('timeKey') },
    // Sparse: the first event of every chain, so verification lists chains without a scan.
    { indexName: 'byChainStart', partitionKey: s('chainStartKey'), sortKey: s('chain') },
  ],
};

export const accessTable: TableDefinition = {
  id: 'Access',
  // PERSON#<id> holds the person's planned access (sk PLANNED) and actual access per app (sk APP#<app>).
  partitionKey: s('pk'),
  sortKey: s('sk'),
  globalIndexes: [
    // An app's people (the access matrix, reconciliation): APP#<app> → person id.
    { indexName: 'byApp', partitionKey: s('appPk'), sortKey: s('appSk') },
    // Sparse: plans written but not yet confirmed queued (crash recovery).
    { indexName: 'pending', partitionKey: s('pendingPk'), sortKey: s('pendingSk') },
  ],
};

export const operationsTable: TableDefinition = {
  id: 'Operations',
  // Engine bookkeeping: step records (STEP#), dead letters (DEADLETTER), webhook ids seen
  // (WEBHOOK#), connector state (CONNECTOR#), schedules (SCHEDULE), and local mode's queue (QUEUE#).
  partitionKey: s('pk'),
  sortKey: s('sk'),
  globalIndexes: [],
};

export const allTables: readonly TableDefinition[] = [directoryTable, ledgerTable, accessTable, operationsTable];
