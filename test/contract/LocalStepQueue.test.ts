import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { LocalStepQueue } from '../../lib/adapters/local/LocalStepQueue.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import { onFreshTables } from '../support/onFreshTables.js';
import { type DeliveredStep, describeStepQueueContract, type StepQueueSubject } from './stepQueueContract.js';

/** The queue on a fresh table; draining starts its worker loop, waits until it is empty and stops it. */
const openQueue = onFreshTables(operationsTable, (db, tableName): StepQueueSubject => {
  const queue = new LocalStepQueue(db, tableName);
  return {
    queue,
    drain: async () => {
      const delivered: DeliveredStep[] = [];
      await queue.start(async (event: SQSEvent): Promise<SQSBatchResponse> => {
        for (const record of event.Records) {
          delivered.push({
            step: JSON.parse(record.body) as PlanStep,
            group: record.attributes.MessageGroupId ?? '',
            lane: record.eventSourceARN.endsWith(':perimeter-lockout.fifo') ? 'lockout' : 'normal',
          });
        }
        return { batchItemFailures: [] };
      });
      await queue.drained();
      await queue.stop();
      return delivered;
    },
  };
});

describeStepQueueContract('LocalStepQueue', openQueue);
