import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsStepQueue } from '../../lib/adapters/sqs/SqsStepQueue.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import { FakeSqsFifo, type FifoMessage } from './FakeSqsFifo.js';
import { type DeliveredStep, describeStepQueueContract } from './stepQueueContract.js';

const sqs = mockClient(SQSClient);
const STEPS = 'https://sqs.eu-west-1.amazonaws.com/111122223333/perimeter-steps.fifo';
const LOCKOUT = 'https://sqs.eu-west-1.amazonaws.com/111122223333/perimeter-lockout.fifo';

const received = (message: FifoMessage, lane: DeliveredStep['lane']): DeliveredStep => ({ step: JSON.parse(message.body) as PlanStep, group: message.groupId, lane });

/**
 * The adapter over fake FIFO queues. The lockout queue has its own workers, which never wait behind
 * the steps queue's backlog: draining serves it first.
 */
describeStepQueueContract('SqsStepQueue', async () => {
  sqs.reset();
  const fake = new FakeSqsFifo([STEPS, LOCKOUT]);
  fake.wire(sqs);
  return {
    queue: new SqsStepQueue({ queueUrl: STEPS, lockoutQueueUrl: LOCKOUT, client: new SQSClient({ region: 'eu-west-1' }) }),
    drain: async () => [...fake.receiveAll(LOCKOUT).map((m) => received(m, 'lockout')), ...fake.receiveAll(STEPS).map((m) => received(m, 'normal'))],
  };
});
