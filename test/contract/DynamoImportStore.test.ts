import { DynamoImportStore } from '../../lib/adapters/dynamodb/DynamoImportStore.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeImportStoreContract } from './importStoreContract.js';

describeImportStoreContract('DynamoImportStore', onFreshTables(operationsTable, (db, tableName) => new DynamoImportStore(db, tableName)));
