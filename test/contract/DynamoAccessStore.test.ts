import { DynamoAccessStore } from '../../lib/adapters/dynamodb/DynamoAccessStore.js';
import { accessTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeAccessStoreContract } from './accessStoreContract.js';

describeAccessStoreContract('DynamoAccessStore', onFreshTables(accessTable, (db, tableName) => new DynamoAccessStore(db, tableName)));
