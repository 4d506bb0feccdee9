import { DynamoDeliveryLog } from '../../lib/adapters/dynamodb/DynamoDeliveryLog.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeDeliveryLogContract } from './deliveryLogContract.js';

describeDeliveryLogContract('DynamoDeliveryLog', onFreshTables(operationsTable, (db, tableName) => new DynamoDeliveryLog(db, tableName)));
