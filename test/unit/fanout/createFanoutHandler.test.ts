import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createFanoutHandler } from '../../../functions/fanout-worker/createFanoutHandler.js';
import type { Disposition, StepExecutor } from '../../../lib/fanout/StepExecutor.js';
import type { LogFields, Logger } from '../../../lib/observability/Logger.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import type { QueueControl } from '../../../lib/ports/QueueControl.js';

/** Answers each step id with a scripted disposition (default: done), or throws. */
class ScriptedExecutor {
  public readonly executed: string[] = [];
  public readonly script = new Map<string, Disposition | Error>();

  public async execute(step: PlanStep): Promise<Disposition> {
    this.executed.push(step.stepId);
    const answer = this.script.get(step.stepId) ?? { kind: 'done', outcome: 'applied' };
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

class RecordingQueue implements QueueControl {
  public readonly retries: [string, number][] = [];

  public async retryLater(receiptHandle: string, delayMs: number): Promise<void> {
    this.retries.push([receiptHandle, delayMs]);
  }
}

class RecordingLogger implements Logger {
  public readonly errors: [string, LogFields | undefined][] = [];
  public info(): void {}
  public warn(): void {}
  public error(message: string, fields?: LogFields): void {
    this.errors.push([message, fields]);
  }
}

/** A FIFO record for step `id` in group `group` (the step body is only what the handler reads). */
const record = (id: string, group: string | undefined, body: string = JSON.stringify({ stepId: id })): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'test',
    ApproximateFirstReceiveTimestamp: '0',
    ...(group ? { MessageGroupId: group } : {}),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:steps.fifo',
  awsRegion: 'eu-west-1',
});

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const failed = (response: { batchItemFailures: { itemIdentifier: string }[] }): string[] => response.batchItemFailures.map((f) => f.itemIdentifier);

describe('createFanoutHandler', () => {
  let executor: ScriptedExecutor;
  let queue: RecordingQueue;
  let logger: RecordingLogger;
  let handler: ReturnType<typeof createFanoutHandler>;

  beforeEach(() => {
    executor = new ScriptedExecutor();
    queue = new RecordingQueue();
    logger = new RecordingLogger();
    handler = createFanoutHandler({ executor: executor as unknown as StepExecutor, queue, logger });
  });

  it('runs every record in order and reports no failures when all are done', async () => {
    // Prepare
    executor.script.set('a2', { kind: 'done', outcome: 'dead-lettered' });
    executor.script.set('b1', { kind: 'done', outcome: 'duplicate' });

    // Act
    const response = await handler(batch(record('a1', 'A'), record('a2', 'A'), record('b1', 'B')));

    // Assess
    expect(failed(response)).toEqual([]);
    expect(executor.executed).toEqual(['a1', 'a2', 'b1']);
    expect(queue.retries).toEqual([]);
  });

  it('hands a waiting step back with its delay and fails the later records of its group; other groups proceed', async () => {
    // Prepare
    executor.script.set('a1', { kind: 'retry', delayMs: 4_000, reason: 'rate limited' });

    // Act
    const response = await handler(batch(record('a1', 'A'), record('a2', 'A'), record('b1', 'B'), record('a3', 'A'), record('b2', 'B')));

    // Assess
    expect(failed(response)).toEqual(['a1', 'a2', 'a3']);
    expect(executor.executed).toEqual(['a1', 'b1', 'b2']);
    expect(queue.retries).toEqual([['rh-a1', 4_000]]);
  });

  it('keeps the records of a group before the failure, and fails only from it on', async () => {
    // Prepare
    executor.script.set('a2', { kind: 'retry', delayMs: 30_000, reason: 'suspended' });

    // Act
    const response = await handler(batch(record('a1', 'A'), record('a2', 'A'), record('a3', 'A')));

    // Assess
    expect(failed(response)).toEqual(['a2', 'a3']);
    expect(executor.executed).toEqual(['a1', 'a2']);
  });

  it('fails a record whose execution throws, without a retry delay, and blocks its group', async () => {
    // Prepare
    executor.script.set('a1', new Error('ledger unavailable'));

    // Act
    const response = await handler(batch(record('a1', 'A'), record('b1', 'B'), record('a2', 'A')));

    // Assess
    expect(failed(response)).toEqual(['a1', 'a2']);
    expect(executor.executed).toEqual(['a1', 'b1']);
    expect(queue.retries).toEqual([]);
    expect(logger.errors.map(([message, fields]) => [message, fields?.stepId])).toEqual([
      ['Step execution failed unexpectedly; the queue will redeliver it', 'a1'],
    ]);
  });

  it('fails an unreadable body without throwing, and blocks its group', async () => {
    // Act
    const response = await handler(batch(record('a1', 'A', '{not json'), record('a2', 'A'), record('b1', 'B')));

    // Assess
    expect(failed(response)).toEqual(['a1', 'a2']);
    expect(executor.executed).toEqual(['b1']);
    expect(logger.errors.map(([message, fields]) => [message, fields?.messageId])).toEqual([['Unreadable step message', 'a1']]);
  });

  it('treats records without a group id as groups of their own', async () => {
    // Prepare
    executor.script.set('x1', { kind: 'retry', delayMs: 1_000, reason: 'later' });

    // Act
    const response = await handler(batch(record('x1', undefined), record('x2', undefined)));

    // Assess
    expect(failed(response)).toEqual(['x1']);
    expect(executor.executed).toEqual(['x1', 'x2']);
  });

  it('answers an empty batch with no failures', async () => {
    // Act
    const response = await handler(batch());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
