import { DynamoSourceClock } from '../../lib/adapters/dynamodb/DynamoSourceClock.js';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeSourceClockContract } from './sourceClockContract.js';

describeSourceClockContract('DynamoSourceClock', onFreshTables(operationsTable, (db, tableName) => new DynamoSourceClock(db, tableName)));
