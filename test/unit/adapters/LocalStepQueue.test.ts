import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { operationsTable } from '../../../lib/adapters/dynamodb/tableDefinitions.js';
import { LocalScheduler } from '../../../lib/adapters/local/LocalScheduler.js';
import { LocalStepQueue, type LocalStepQueueOptions } from '../../../lib/adapters/local/LocalStepQueue.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import { type EmbeddedTables, startEmbeddedTables } from '../../support/startEmbeddedTables.js';
import { waitUntil } from '../../support/waitUntil.js';

/** How long a handler takes over a message: the work a step does, never the test waiting. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** 'resolved' when `promise` settles before the event loop's next turn, else 'pending': no clock involved. */
const atOnce = (promise: Promise<unknown>): Promise<'resolved' | 'pending'> =>
  Promise.race([promise.then(() => 'resolved' as const), new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);

/** A step of `person` in `app`; its id names both, and `n`. */
const step = (person: string, app: string, n: number, priority?: 'lockout'): PlanStep => ({
  stepId: `${person}-${app}-${n}${priority ? '-lockout' : ''}`,
  eventId: 'evt-1',
  plannedAt: '2026-03-01T12:00:00.000Z',
  personId: person,
  app,
  action: 'grant',
  sequence: n,
  entitlement: `e${n}`,
  rules: [],
  reason: 'test',
  person: { id: person, userName: `${person}@example.com`, active: true },
  ...(priority ? { priority } : {}),
});

interface Delivery {
  readonly stepId: string;
  readonly group: string;
  readonly at: number;
  readonly record: SQSRecord;
}

describe('LocalStepQueue and LocalScheduler on the embedded DynamoDB engine', () => {
  let engine: EmbeddedTables;
  let db: DynamoDBDocumentClient;
  let tables = 0;
  let tableName: string;
  const started: LocalStepQueue[] = [];

  beforeAll(async () => {
    engine = await startEmbeddedTables();
    db = engine.db;
  });
  afterAll(async () => {
    await engine.close();
  });
  // A table per test: what one test leaves queued never reaches another.
  beforeEach(async () => {
    const name = `operations-${++tables}`;
    await engine.ensure([{ definition: operationsTable, tableName: name }]);
    tableName = engine.tableName(name);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((queue) => queue.stop()));
  });

  const newQueue = (options: LocalStepQueueOptions = {}): LocalStepQueue => new LocalStepQueue(db, tableName, { visibilityTimeoutMs: 100, ...options });

  /**
   * Starts the queue with a handler that records each delivery, waits `delayMs`, then asks
   * `answer` what to do: 'done', 'fail' (batch-item failure), or 'throw'.
   */
  const run = async (
    queue: LocalStepQueue,
    options: { delayMs?: number; answer?: (delivery: Delivery, count: number) => 'done' | 'fail' | 'throw' | Promise<'done' | 'fail' | 'throw'> } = {},
  ): Promise<{ deliveries: Delivery[]; inFlight: () => number; maxInFlight: () => number; maxPerGroup: () => number }> => {
    const deliveries: Delivery[] = [];
    const active = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let maxPerGroup = 0;
    started.push(queue);
    await queue.start(async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const record = event.Records[0] as SQSRecord;
      const group = record.attributes.MessageGroupId ?? '';
      const delivery = { stepId: record.messageId, group, at: Date.now(), record };
      deliveries.push(delivery);
      inFlight++;
      active.set(group, (active.get(group) ?? 0) + 1);
      maxInFlight = Math.max(maxInFlight, inFlight);
      maxPerGroup = Math.max(maxPerGroup, active.get(group) ?? 0);
      try {
        // The step's own work: the tests measure what the queue does around it.
        if (options.delayMs) await sleep(options.delayMs);
        const answer = (await options.answer?.(delivery, deliveries.filter((d) => d.stepId === delivery.stepId).length)) ?? 'done';
        if (answer === 'throw') throw new Error('handler crashed');
        return { batchItemFailures: answer === 'fail' ? [{ itemIdentifier: record.messageId }] : [] };
      } finally {
        inFlight--;
        active.set(group, (active.get(group) ?? 1) - 1);
      }
    });
    return { deliveries, inFlight: () => inFlight, maxInFlight: () => maxInFlight, maxPerGroup: () => maxPerGroup };
  };

  describe('LocalStepQueue', () => {
    it('delivers the steps of one group in the order they were sent, as SQS FIFO records', async () => {
      // Prepare
      const queue = newQueue();
      const { deliveries } = await run(queue);

      // Act
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p1', 'code', 2)]);
      await queue.send([step('p1', 'code', 3), step('p1', 'code', 4)]);
      await queue.drained();

      // Assess
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p1-code-1', 'p1-code-2', 'p1-code-3', 'p1-code-4']);
      expect(JSON.parse(deliveries[0]?.record.body ?? '')).toEqual(step('p1', 'code', 0));
      expect(deliveries[0]?.record.attributes).toMatchObject({ MessageGroupId: 'p1#code', MessageDeduplicationId: 'p1-code-0', ApproximateReceiveCount: '1' });
      expect(queue.size()).toBe(0);
    });

    it('keeps FIFO order across sends when the clock steps back', async () => {
      // Prepare: the second send happens after the system clock was set back 5 ms (NTP).
      const queue = newQueue();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1)]);
      clock.mockReturnValue(1_800_000_000_000 - 5);
      await queue.send([step('p1', 'code', 2)]);
      clock.mockRestore();

      // Act
      const { deliveries } = await run(queue);
      await queue.drained();

      // Assess
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p1-code-1', 'p1-code-2']);
    });

    it('keeps FIFO order within one send of many steps in one millisecond', async () => {
      // Prepare
      const queue = newQueue();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
      await queue.send(Array.from({ length: 40 }, (_, n) => step('p1', 'code', n)));
      clock.mockRestore();

      // Act
      const { deliveries } = await run(queue);
      await queue.drained();

      // Assess
      expect(deliveries.map((d) => Number(d.stepId.split('-')[2]))).toEqual(Array.from({ length: 40 }, (_, n) => n));
    });

    it('runs groups in parallel with one message in flight per group', async () => {
      // Prepare
      const queue = newQueue();
      const probe = await run(queue, { delayMs: 40 });

      // Act
      await queue.send([0, 1, 2].flatMap((n) => [step('p1', 'code', n), step('p1', 'chat', n), step('p2', 'code', n)]));
      await queue.drained();

      // Assess: the three groups' steps overlap (three in flight at once, never two of a group).
      // Counted, not timed: a wall-clock bound failed on a loaded CI machine.
      expect(probe.deliveries).toHaveLength(9);
      expect(probe.maxPerGroup()).toBe(1);
      expect(probe.maxInFlight()).toBe(3);
      for (const group of ['p1#code', 'p1#chat', 'p2#code']) {
        expect(probe.deliveries.filter((d) => d.group === group).map((d) => d.stepId.split('-')[2])).toEqual(['0', '1', '2']);
      }
    });

    it('holds deliveries to the concurrency limit', async () => {
      // Prepare
      const queue = newQueue({ concurrency: 2 });
      const probe = await run(queue, { delayMs: 20 });

      // Act
      await queue.send(['a', 'b', 'c', 'd', 'e'].map((person) => step(person, 'code', 0)));
      await queue.drained();

      // Assess
      expect(probe.deliveries).toHaveLength(5);
      expect(probe.maxInFlight()).toBe(2);
    });

    it('serves the lockout lane before queued work', async () => {
      // Prepare: a backlog of normal work, one message at a time.
      const queue = newQueue({ concurrency: 1 });
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p2', 'chat', 0), step('p2', 'chat', 1)]);
      await queue.send([step('p1', 'code', 0, 'lockout'), step('p1', 'chat', 0, 'lockout'), step('p1', 'chat', 1, 'lockout')]);

      // Act
      const { deliveries } = await run(queue, { delayMs: 5 });
      await queue.drained();

      // Assess
      expect(deliveries.slice(0, 3).map((d) => d.stepId).sort()).toEqual(['p1-chat-0-lockout', 'p1-chat-1-lockout', 'p1-code-0-lockout']);
      expect(deliveries.filter((d) => d.group === 'p1#chat#lockout').map((d) => d.stepId)).toEqual(['p1-chat-0-lockout', 'p1-chat-1-lockout']);
      expect(deliveries[0]?.record.eventSourceARN).toContain('perimeter-lockout.fifo');
      expect(deliveries).toHaveLength(7);
    });

    it('lets a lockout step overtake work queued while the queue is busy', async () => {
      // Prepare
      const queue = newQueue({ concurrency: 1 });
      let sent: () => void = () => undefined;
      const lockoutSent = new Promise<void>((resolve) => {
        sent = resolve;
      });
      // The first step stays in flight until the lockout step has been sent.
      const { deliveries } = await run(queue, { answer: async (d) => (d.stepId === 'p1-code-0' ? lockoutSent.then(() => 'done' as const) : 'done') });
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p1', 'code', 2)]);
      await waitUntil(() => deliveries.length === 1, 5_000, 'the first delivery');

      // Act
      await queue.send([step('p1', 'code', 0, 'lockout')]);
      sent();
      await queue.drained();

      // Assess
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p1-code-0-lockout', 'p1-code-1', 'p1-code-2']);
    });

    it('queues a step id once, however often it is sent', async () => {
      // Prepare
      const queue = newQueue();

      // Act
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 0)]);
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1)]);
      const queued = queue.size();
      const { deliveries } = await run(queue);
      await queue.drained();

      // Assess
      expect(queued).toBe(2);
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p1-code-1']);
    });

    it('redelivers a step handed back with retryLater after its delay, holding its group meanwhile', async () => {
      // Prepare
      const queue = newQueue({ visibilityTimeoutMs: 5_000 });
      const { deliveries } = await run(queue, {
        answer: async (delivery, count) => {
          if (delivery.stepId !== 'p1-code-0' || count > 1) return 'done';
          await queue.retryLater(delivery.record.receiptHandle, 150);
          return 'fail';
        },
      });

      // Act
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p2', 'code', 0)]);
      await queue.drained();
      const first = deliveries.find((d) => d.stepId === 'p1-code-0') as Delivery;
      const retried = deliveries.filter((d) => d.stepId === 'p1-code-0')[1] as Delivery;

      // Assess
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p2-code-0', 'p1-code-0', 'p1-code-1']);
      expect(retried.at - first.at).toBeGreaterThanOrEqual(145);
      expect(retried.at - first.at).toBeLessThan(1_000);
      expect(retried.record.attributes.ApproximateReceiveCount).toBe('2');
    });

    it('redelivers after the visibility timeout when the handler throws or reports a failure', async () => {
      // Prepare
      const queue = newQueue({ visibilityTimeoutMs: 100 });
      const { deliveries } = await run(queue, {
        answer: (delivery, count) => (count > 1 ? 'done' : delivery.stepId === 'p1-code-0' ? 'throw' : 'fail'),
      });

      // Act
      await queue.send([step('p1', 'code', 0), step('p2', 'code', 0)]);
      await queue.drained();
      const gap = (id: string): number => {
        const [first, second] = deliveries.filter((d) => d.stepId === id);
        return (second?.at ?? 0) - (first?.at ?? 0);
      };

      // Assess
      expect(deliveries.filter((d) => d.stepId === 'p1-code-0')).toHaveLength(2);
      expect(deliveries.filter((d) => d.stepId === 'p2-code-0')).toHaveLength(2);
      expect(gap('p1-code-0')).toBeGreaterThanOrEqual(95);
      expect(gap('p2-code-0')).toBeGreaterThanOrEqual(95);
    });

    it('after a restart, a new queue on the same table delivers what was left, in order', async () => {
      // Prepare: the first process queued steps and crashed mid-step (its handler never returned).
      const first = newQueue();
      let release: (() => void) | undefined;
      await first.start(async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { batchItemFailures: [] };
      });
      await first.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p1', 'code', 2)]);
      await waitUntil(() => release !== undefined, 5_000, 'the first process to take a step');

      // Act
      const second = newQueue();
      const { deliveries } = await run(second);
      await second.send([step('p1', 'code', 3)]);
      await second.drained();
      const firstStopped = first.stop();
      release?.();
      await firstStopped;

      // Assess
      expect(deliveries.map((d) => d.stepId)).toEqual(['p1-code-0', 'p1-code-1', 'p1-code-2', 'p1-code-3']);
    });

    it('after a restart, honours a retry delay the earlier process set', async () => {
      // Prepare
      const first = newQueue({ visibilityTimeoutMs: 300 });
      const { deliveries: before } = await run(first, { answer: () => 'fail' });
      await first.send([step('p1', 'code', 0)]);
      await waitUntil(() => before.length === 1, 5_000, 'the first delivery');
      const failedAt = before[0]?.at ?? 0;
      await first.stop();

      // Act
      const second = newQueue();
      const { deliveries: after } = await run(second);
      await second.drained();

      // Assess
      expect(after.map((d) => d.stepId)).toEqual(['p1-code-0']);
      expect((after[0]?.at ?? 0) - failedAt).toBeGreaterThanOrEqual(295);
    });

    it('drained() resolves at once when empty, and otherwise only when nothing is queued or in flight', async () => {
      // Prepare: p1-code-1 is handed back once for 100 ms.
      const queue = newQueue();
      const empty = await atOnce(queue.drained());
      const handled: string[] = [];
      let handedBack = false;
      started.push(queue);
      await queue.start(async (event) => {
        const record = event.Records[0] as SQSRecord;
        // Each message takes 20 ms of work, so drained() has to wait for it (the lower bound below).
        await sleep(20);
        if (record.messageId === 'p1-code-1' && !handedBack) {
          handedBack = true;
          await queue.retryLater(record.receiptHandle, 100);
          return { batchItemFailures: [{ itemIdentifier: record.messageId }] };
        }
        handled.push(record.messageId);
        return { batchItemFailures: [] };
      });

      // Act
      const sentAt = Date.now();
      await queue.send([step('p1', 'code', 0), step('p1', 'code', 1), step('p2', 'code', 0)]);
      const handledWhenDrained = await queue.drained().then(() => [...handled]);
      const waited = Date.now() - sentAt;

      // Assess
      expect(empty).toBe('resolved');
      expect(handedBack).toBe(true);
      expect(handledWhenDrained.sort()).toEqual(['p1-code-0', 'p1-code-1', 'p2-code-0']);
      expect(waited).toBeGreaterThanOrEqual(140);
      expect(queue.size()).toBe(0);
      expect(await atOnce(queue.drained())).toBe('resolved');
    });
  });

  describe('LocalScheduler', () => {
    const job = (id: string, runAt: string): ScheduledJob => ({
      id,
      runAt,
      work: { kind: 'step', step: step('p1', 'code', 0) },
    });

    it('runs due jobs oldest first, deletes each only after it ran, and leaves later jobs', async () => {
      // Prepare
      const scheduler = new LocalScheduler(db, tableName, () => new Date('2026-03-01T12:00:00.000Z'));
      await scheduler.schedule(job('b', '2026-03-01T11:00:00.000Z'));
      await scheduler.schedule(job('later', '2026-03-01T12:00:00.001Z'));
      await scheduler.schedule(job('a', '2026-02-01T00:00:00.000Z'));
      await scheduler.schedule(job('now', '2026-03-01T12:00:00.000Z'));
      const ran: [string, boolean][] = [];

      // Act
      const count = await scheduler.runDue(async (due) => {
        ran.push([due.id, (await scheduler.get(due.id)) !== undefined]);
      });

      // Assess
      expect(count).toBe(3);
      expect(ran).toEqual([
        ['a', true],
        ['b', true],
        ['now', true],
      ]);
      expect(await scheduler.get('a')).toBeUndefined();
      expect(await scheduler.get('later')).toEqual(job('later', '2026-03-01T12:00:00.001Z'));
    });

    it('keeps a job whose run failed for the next tick, and still runs the jobs after it', async () => {
      // Prepare
      const scheduler = new LocalScheduler(db, tableName, () => new Date('2026-03-01T12:00:00.000Z'));
      await scheduler.schedule(job('poison', '2026-03-01T00:00:00.000Z'));
      await scheduler.schedule(job('next', '2026-03-01T01:00:00.000Z'));
      const ran: string[] = [];

      // Act
      const failure = await scheduler
        .runDue(async (due) => {
          ran.push(due.id);
          if (due.id === 'poison') throw new Error('queue down');
        })
        .catch((error: unknown) => error);
      const kept = await scheduler.get('poison');
      const gone = await scheduler.get('next');
      const retried: string[] = [];
      const count = await scheduler.runDue(async (due) => {
        retried.push(due.id);
      });

      // Assess
      expect(failure).toMatchObject({ message: 'queue down' });
      expect(ran).toEqual(['poison', 'next']);
      expect(kept?.id).toBe('poison');
      expect(gone).toBeUndefined();
      expect(retried).toEqual(['poison']);
      expect(count).toBe(1);
      expect(await scheduler.get('poison')).toBeUndefined();
    });

    it('moves a re-scheduled job, even one re-scheduled while it ran', async () => {
      // Prepare
      const scheduler = new LocalScheduler(db, tableName, () => new Date('2026-03-01T12:00:00.000Z'));
      await scheduler.schedule(job('moved', '2026-03-01T00:00:00.000Z'));
      await scheduler.schedule(job('moved', '2026-03-05T00:00:00.000Z'));
      await scheduler.schedule(job('during', '2026-03-01T00:00:00.000Z'));
      const ran: string[] = [];

      // Act
      await scheduler.runDue(async (due) => {
        ran.push(due.id);
        await scheduler.schedule(job(due.id, '2026-04-01T00:00:00.000Z'));
      });

      // Assess
      expect(ran).toEqual(['during']);
      expect((await scheduler.get('moved'))?.runAt).toBe('2026-03-05T00:00:00.000Z');
      expect((await scheduler.get('during'))?.runAt).toBe('2026-04-01T00:00:00.000Z');
    });

    it('cancels a job, and cancelling an unknown job is not an error', async () => {
      // Prepare
      const scheduler = new LocalScheduler(db, tableName, () => new Date('2026-03-01T12:00:00.000Z'));
      await scheduler.schedule(job('a', '2026-03-01T00:00:00.000Z'));
      const ran: string[] = [];

      // Act
      await scheduler.cancel('a');
      await scheduler.cancel('never-scheduled');
      await scheduler.runDue(async (due) => {
        ran.push(due.id);
      });

      // Assess
      expect(ran).toEqual([]);
      expect(await scheduler.get('a')).toBeUndefined();
    });

    it('ticks on its own once started, until stopped', async () => {
      // Prepare: the scheduler's interval on fake timers, so the test decides when ticks are due;
      // the engine's I/O stays real, and each tick is awaited to its end.
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      onTestFinished(() => {
        vi.useRealTimers();
      });
      const scheduler = new LocalScheduler(db, tableName);
      const runDue = vi.spyOn(scheduler, 'runDue');
      const ticksDone = async (): Promise<void> => {
        await Promise.allSettled(runDue.mock.results.map((result) => result.value));
      };
      await scheduler.schedule(job('due', new Date(Date.now() - 1_000).toISOString()));
      const ran: string[] = [];
      const errors: unknown[] = [];

      // Act: one interval, then ten more after the stop.
      scheduler.start(async (due) => {
        ran.push(due.id);
      }, (error) => errors.push(error), 20);
      await vi.advanceTimersByTimeAsync(20);
      await ticksDone();
      scheduler.stop();
      await scheduler.schedule(job('after-stop', new Date(Date.now() - 1_000).toISOString()));
      await vi.advanceTimersByTimeAsync(200);
      await ticksDone();

      // Assess
      expect(ran).toEqual(['due']);
      expect(errors).toEqual([]);
    });
  });
});
