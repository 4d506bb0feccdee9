import { GetScheduleCommand, ListSchedulesCommand, ResourceNotFoundException, SchedulerClient } from '@aws-sdk/client-scheduler';
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeScheduler } from '../../lib/adapters/scheduler/EventBridgeScheduler.js';
import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
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

describe('EventBridgeScheduler.list', () => {
  it('leaves out a schedule that is gone between listing and reading it (it ran or was cancelled)', async () => {
    // Prepare
    service.reset();
    const fake = new FakeEventBridgeScheduler(() => SCHEDULER_NOW);
    fake.wire(service);
    const scheduler = new EventBridgeScheduler({ groupName: 'PerimeterJobs', targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f', roleArn: 'arn:aws:iam::111122223333:role/r', client: new SchedulerClient({ region: 'eu-west-1' }), now: () => SCHEDULER_NOW });
    const job = { id: 'hr-terminate-standard-E-1', runAt: '2026-04-30T00:00:00.000Z', personId: 'p1', work: { kind: 'job', jobId: 'j' } } as const;
    await scheduler.schedule(job);
    await scheduler.schedule({ ...job, id: 'hr-terminate-standard-E-2' });
    service.on(GetScheduleCommand, { Name: 'hr-terminate-standard-E-2' }).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'gone', Message: 'gone' }));

    // Act
    const page = await scheduler.list({ limit: 10 });

    // Assess
    expect(page).toEqual({ jobs: [job] });
    expect(service.commandCalls(ListSchedulesCommand)[0]?.args[0].input).toEqual({ GroupName: 'PerimeterJobs', MaxResults: 10 });
  });
});

describe('EventBridgeScheduler.list with a cursor the service did not issue', () => {
  it('is an InvalidCursorError (a client error), not a service failure', async () => {
    // Prepare
    service.reset();
    new FakeEventBridgeScheduler(() => SCHEDULER_NOW).wire(service);
    const scheduler = new EventBridgeScheduler({ groupName: 'PerimeterJobs', targetArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f', roleArn: 'arn:aws:iam::111122223333:role/r', client: new SchedulerClient({ region: 'eu-west-1' }), now: () => SCHEDULER_NOW });

    // Act
    const listed = scheduler.list({ limit: 10, cursor: 'not-a-token' });

    // Assess
    await expect(listed).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
