import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDirectoryStore } from '../adapters/dynamodb/DynamoDirectoryStore.js';
import { DynamoLedgerStore } from '../adapters/dynamodb/DynamoLedgerStore.js';
import { OutboxRelay } from '../directory/OutboxRelay.js';
import { Ledger } from '../ledger/Ledger.js';
import type { Logger } from '../observability/Logger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { AuditStore } from '../ports/AuditStore.js';
import type { LedgerPruner } from '../ports/LedgerArchive.js';
import type { LedgerStore } from '../ports/LedgerStore.js';
import { ScimGroups } from '../scim/ScimGroups.js';
import { ScimUsers } from '../scim/ScimUsers.js';

export interface TableNames {
  readonly directory: string;
  readonly ledger: string;
}

export interface ScimWiring {
  readonly users: ScimUsers;
  readonly groups: ScimGroups;
  readonly relay: OutboxRelay;
  readonly ledger: Ledger;
  readonly directoryStore: DirectoryStore;
  readonly ledgerStore: LedgerStore & AuditStore & LedgerPruner;
}

/** The composition root for the directory and ledger on DynamoDB, shared by Lambda and local mode. */
export function buildScimServices(db: DynamoDBDocumentClient, tables: TableNames, logger: Logger): ScimWiring {
  const directoryStore = new DynamoDirectoryStore(db, tables.directory);
  const ledgerStore = new DynamoLedgerStore(db, tables.ledger);
  const ledger = new Ledger(ledgerStore);
  const relay = new OutboxRelay(directoryStore, ledger);
  const deps = { store: directoryStore, relay, logger };
  return { users: new ScimUsers(deps), groups: new ScimGroups(deps), relay, ledger, directoryStore, ledgerStore };
}
