import { DynamoLedgerStore } from '../../lib/adapters/dynamodb/DynamoLedgerStore.js';
import { ledgerTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeLedgerStoreContract } from './ledgerStoreContract.js';

describeLedgerStoreContract('DynamoLedgerStore', onFreshTables(ledgerTable, (db, tableName) => new DynamoLedgerStore(db, tableName)), {});
