import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeScheduler } from '../../lib/adapters/scheduler/EventBridgeScheduler.js';
import { FakeEventBridgeScheduler } from './FakeEventBridgeScheduler.js';
import { describeSchedulerContract, SCHEDULER_NOW } from './schedulerContract.js';

const service = mockClient(SchedulerClient);

/** The adapter over a fresh fake service; the fake refuses what the real API would (names, past at() times). */
describeSchedulerContract('EventBridgeScheduler', async () => {
  service.reset();
  new FakeEventBridgeScheduler(() => SCHEDULER_NOW).wire(service);
  return new EventBridgeScheduler({
    groupName: 'PerimeterJobs',
    targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:perimeter-scheduled-job',
    roleArn: 'arn:aws:iam::111122223333:role/perimeter-scheduler',
    client: new SchedulerClient({ region: 'eu-west-1' }),
    now: () => SCHEDULER_NOW,
  });
});
