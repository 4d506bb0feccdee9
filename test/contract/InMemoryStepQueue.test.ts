import { InMemoryStepQueue } from '../fakes/InMemoryStepQueue.js';
import { describeStepQueueContract } from './stepQueueContract.js';

describeStepQueueContract('InMemoryStepQueue', async () => {
  const queue = new InMemoryStepQueue();
  return { queue, drain: async () => queue.take() };
});
