import { DynamoStepStore } from '../../lib/adapters/dynamodb/DynamoStepStore.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeStepStoreContract } from './stepStoreContract.js';

describeStepStoreContract(
  'DynamoStepStore',
  onFreshTables(operationsTable, (db, tableName) => new DynamoStepStore(db, tableName)),
  {},
);
