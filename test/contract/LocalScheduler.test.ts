import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { LocalScheduler } from '../../lib/adapters/local/LocalScheduler.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { describeSchedulerContract, SCHEDULER_NOW } from './schedulerContract.js';

describeSchedulerContract('LocalScheduler', onFreshTables(operationsTable, (db, tableName) => new LocalScheduler(db, tableName, () => SCHEDULER_NOW)));
