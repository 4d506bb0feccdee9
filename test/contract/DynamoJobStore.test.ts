import { DynamoJobStore } from '../../lib/adapters/dynamodb/DynamoJobStore.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeJobStoreContract } from './jobStoreContract.js';

describeJobStoreContract('DynamoJobStore', onFreshTables(operationsTable, (db, tableName) => new DynamoJobStore(db, tableName)));
