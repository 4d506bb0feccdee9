import { ConflictException, CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeScheduler, scheduleName } from '../../lib/adapters/scheduler/EventBridgeScheduler.js';
import { SqsQueueControl } from '../../lib/adapters/sqs/SqsQueueControl.js';
import { SqsStepQueue } from '../../lib/adapters/sqs/SqsStepQueue.js';
import { loadConfigFromParameter } from '../../lib/adapters/ssm/loadConfigFromParameter.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import type { ScheduledJob } from '../../lib/ports/Scheduler.js';

const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);
const ssm = mockClient(SSMClient);

const step = (n: number, overrides: Partial<PlanStep> = {}): PlanStep => ({
  stepId: `step-${n}`,
  eventId: 'e1',
  plannedAt: '2026-01-01T00:00:00.000Z',
  personId: 'p1',
  app: n % 2 ? 'slack' : 'github',
  action: 'createAccount',
  sequence: n,
  rules: ['r1'],
  reason: 'test',
  person: { id: 'p1', userName: 'p1@example.com', active: true },
  ...overrides,
});

describe('AWS adapters of the engine (SDK contract)', () => {
  beforeEach(() => {
    sqs.reset();
    scheduler.reset();
    ssm.reset();
  });

  describe('SqsStepQueue', () => {
    it('sends steps in batches of 10 to the FIFO queue, grouped by person and app, de-duplicated by step id', async () => {
      // Prepare
      sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
      const queue = new SqsStepQueue({ queueUrl: 'https://sqs/steps.fifo', lockoutQueueUrl: 'https://sqs/lockout.fifo', client: new SQSClient({}) });

      // Act
      await queue.send([...Array.from({ length: 12 }, (_, i) => step(i)), step(99, { priority: 'lockout' })]);
      const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);

      // Assess
      expect(calls.map((c) => [c.QueueUrl, c.Entries?.length])).toEqual([
        ['https://sqs/steps.fifo', 10],
        ['https://sqs/steps.fifo', 2],
        ['https://sqs/lockout.fifo', 1],
      ]);
      expect(calls[0]?.Entries?.[1]).toMatchObject({ MessageGroupId: 'p1#slack', MessageDeduplicationId: 'step-1' });
      expect(calls[2]?.Entries?.[0]).toMatchObject({ MessageGroupId: 'p1#slack#lockout', MessageDeduplicationId: 'step-99' });
      expect(JSON.parse(calls[0]?.Entries?.[0]?.MessageBody ?? '{}')).toEqual(step(0));
    });

    it('resends entries SQS failed on its side, and refuses on sender faults', async () => {
      // Prepare
      sqs
        .on(SendMessageBatchCommand)
        .resolvesOnce({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] })
        .resolvesOnce({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] })
        .resolves({ Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true }] });
      const queue = new SqsStepQueue({ queueUrl: 'q', lockoutQueueUrl: 'l', client: new SQSClient({}) });

      // Act
      await queue.send([step(1), step(2)]);
      const refused = await queue.send([step(3)]).catch((error: Error) => error);

      // Assess
      expect(sqs.commandCalls(SendMessageBatchCommand)[1]?.args[0].input.Entries?.map((e) => e.MessageDeduplicationId)).toEqual(['step-2']);
      expect(refused).toBeInstanceOf(Error);
    });

    it('hands a message back with its delay, capped at SQS 12-hour maximum', async () => {
      sqs.on(ChangeMessageVisibilityCommand).resolves({});
      const control = new SqsQueueControl('https://sqs/steps.fifo', new SQSClient({}));
      await control.retryLater('receipt-1', 7_500);
      await control.retryLater('receipt-2', 30 * 86_400_000);
      expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
        { QueueUrl: 'https://sqs/steps.fifo', ReceiptHandle: 'receipt-1', VisibilityTimeout: 8 },
        { QueueUrl: 'https://sqs/steps.fifo', ReceiptHandle: 'receipt-2', VisibilityTimeout: 43_200 },
      ]);
    });
  });

  describe('EventBridgeScheduler', () => {
    const options = { groupName: 'PerimeterJobs', targetArn: 'arn:aws:lambda:eu-west-1:1:function:job', roleArn: 'arn:aws:iam::1:role/sched', client: new SchedulerClient({}), now: () => new Date('2026-01-01T00:00:00Z') };
    const job: ScheduledJob = { id: 'hr-terminate-standard-E1', runAt: '2026-02-01T23:59:59.999Z', work: { kind: 'step', step: step(1) } };

    it('creates a one-time at() schedule in UTC that deletes itself after running', async () => {
      // Prepare
      scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });

      // Act
      await new EventBridgeScheduler(options).schedule(job);

      // Assess
      expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
        Name: 'hr-terminate-standard-E1',
        GroupName: 'PerimeterJobs',
        ScheduleExpression: 'at(2026-02-01T23:59:59)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: options.targetArn, RoleArn: options.roleArn, Input: JSON.stringify({ job }) },
      });
    });

    it('replaces an existing schedule of the same job, and never schedules in the past', async () => {
      scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
      scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
      await new EventBridgeScheduler(options).schedule({ ...job, runAt: '2020-01-01T00:00:00Z' });
      expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input.ScheduleExpression).toBe('at(2026-01-01T00:01:00)');
    });

    it('cancels by name (a missing schedule is not an error) and reads a job back', async () => {
      scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
      scheduler.on(GetScheduleCommand, { Name: 'hr-terminate-standard-E1' }).resolves({ Target: { Arn: 'a', RoleArn: 'r', Input: JSON.stringify({ job }) } });
      const adapter = new EventBridgeScheduler(options);
      await expect(adapter.cancel(job.id)).resolves.toBeUndefined();
      expect(await adapter.get(job.id)).toEqual(job);
    });

    it('hashes job ids that are not valid schedule names, stably', () => {
      const id = `hr-terminate-bamboohr-${'x'.repeat(80)}@weird`;
      expect(scheduleName(id)).toMatch(/^job-[0-9a-f]{56}$/);
      expect(scheduleName(id)).toBe(scheduleName(id));
    });
  });

  describe('loadConfigFromParameter', () => {
    it('reads and validates the config, naming a bad rule', async () => {
      ssm.on(GetParameterCommand, { Name: '/perimeter/config' }).resolves({ Parameter: { Value: JSON.stringify({ policy: { rules: [{ id: 'r1', grant: [{ app: 'nope' }] }] } }) } });
      await expect(loadConfigFromParameter('/perimeter/config', new SSMClient({}))).rejects.toThrow(/rule "r1".*not a configured connector/s);
    });
  });
});
