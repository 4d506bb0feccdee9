import { DynamoCheckpointStore } from '../../lib/adapters/dynamodb/DynamoCheckpointStore.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeCheckpointStoreContract } from './checkpointStoreContract.js';

describeCheckpointStoreContract('DynamoCheckpointStore', onFreshTables(operationsTable, (db, tableName) => new DynamoCheckpointStore(db, tableName)));
