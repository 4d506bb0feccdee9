import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeDirectoryStoreContract } from './directoryStoreContract.js';

describeDirectoryStoreContract('DynamoDirectoryStore', onFreshTables(directoryTable, (db, tableName) => new DynamoDirectoryStore(db, tableName)), {});
