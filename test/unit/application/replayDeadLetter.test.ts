import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStepStore } from '../../../lib/adapters/dynamodb/DynamoStepStore.js';
import { operationsTable } from '../../../lib/adapters/dynamodb/tableDefinitions.js';
import type { AdminRequest } from '../../../lib/application/AdminRequest.js';
import { replayDeadLetter } from '../../../lib/application/admin/replayDeadLetter.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import type { DeadLetter } from '../../../lib/domain/StepRecord.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { StepQueue } from '../../../lib/ports/StepQueue.js';
import type { StepStore } from '../../../lib/ports/StepStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { InMemoryStepStore } from '../../fakes/InMemoryStepStore.js';
import { type EmbeddedTables, startEmbeddedTables } from '../../support/startEmbeddedTables.js';

const request: AdminRequest = { actor: 'ops', requestId: 'req-1', operation: 'POST /admin/dead-letters/s1/replay' };

const step = (stepId: string): PlanStep => ({
  stepId,
  eventId: 'e1',
  plannedAt: '2026-01-01T00:00:00.000Z',
  personId: 'p1',
  app: 'chat',
  action: 'createAccount',
  sequence: 0,
  rules: ['everyone'],
  reason: 'rule everyone grants an account',
  person: { id: 'p1', userName: 'p1@example.com', active: true },
});

/** A queue that refuses the next `failures` sends, then records what it is sent. */
class FlakyQueue implements StepQueue {
  public readonly sent: PlanStep[] = [];
  public constructor(private failures: number) {}
  public async send(steps: readonly PlanStep[]): Promise<void> {
    if (this.failures-- > 0) throw new Error('queue unavailable');
    this.sent.push(...steps);
  }
}

async function deadLettered(store: StepStore, stepId: string, at: string): Promise<DeadLetter> {
  const letter: DeadLetter = { step: step(stepId), deadLetteredAt: at, attempts: 2, error: 'auth: HTTP 401' };
  await store.recordAttempt(stepId, at);
  await store.deadLetter(letter);
  return letter;
}

let tables: EmbeddedTables;
beforeAll(async () => {
  tables = await startEmbeddedTables([{ definition: operationsTable, tableName: 'ops' }]);
});
afterAll(async () => {
  await tables.close();
});

describe.each([
  ['in memory', (): StepStore => new InMemoryStepStore()],
  ['DynamoDB', (): StepStore => new DynamoStepStore(tables.db, 'ops')],
])('replaying a dead letter (%s step store)', (_name, makeStore) => {
  it('keeps the letter listed when the send fails, and replays it once the queue is back', async () => {
    // Prepare
    const store = makeStore();
    const stepId = `s-${Math.random().toString(36).slice(2)}`;
    await deadLettered(store, stepId, '2026-01-01T00:00:01.000Z');
    const queue = new FlakyQueue(1);
    const deps = { steps: store, queue, ledger: new Ledger(new InMemoryLedgerStore()) };

    // Act
    const failed = await replayDeadLetter(deps, stepId, request).catch((error: unknown) => error);
    const listedAfterFailure = await store.getDeadLetter(stepId);
    const listingAfterFailure = (await store.listDeadLetters(100)).letters.map((l) => l.step.stepId);
    const replayed = await replayDeadLetter(deps, stepId, request);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(listedAfterFailure?.step.stepId).toBe(stepId);
    expect(listingAfterFailure).toContain(stepId);
    expect((await store.listDeadLetters(100)).letters.map((l) => l.step.stepId)).not.toContain(stepId);
    expect(replayed).toEqual({ stepId, replayed: true });
    expect(queue.sent.map((s) => s.stepId)).toEqual([stepId]);
    expect(await store.getDeadLetter(stepId)).toBeUndefined();
  });

  it('lets the replayed step run from attempt 1 even if a worker takes it before the letter is released', async () => {
    // Prepare: the worker picks the step up as soon as it is sent.
    const store = makeStore();
    const stepId = `s-${Math.random().toString(36).slice(2)}`;
    await deadLettered(store, stepId, '2026-01-01T00:00:01.000Z');
    const attempts: (number | undefined)[] = [];
    const queue: StepQueue = {
      send: async () => {
        attempts.push((await store.recordAttempt(stepId, '2026-01-01T00:00:02.000Z'))?.attempts);
      },
    };

    // Act
    await replayDeadLetter({ steps: store, queue, ledger: new Ledger(new InMemoryLedgerStore()) }, stepId, request);

    // Assess: not skipped as already finished
    expect(attempts).toEqual([1]);
  });

  it('does not release a newer letter of the same step (the replay failed again meanwhile)', async () => {
    // Prepare: while being replayed, the step fails again and is dead-lettered anew.
    const store = makeStore();
    const stepId = `s-${Math.random().toString(36).slice(2)}`;
    await deadLettered(store, stepId, '2026-01-01T00:00:01.000Z');
    const queue: StepQueue = {
      send: async () => {
        await deadLettered(store, stepId, '2026-01-01T00:00:05.000Z');
      },
    };

    // Act
    await replayDeadLetter({ steps: store, queue, ledger: new Ledger(new InMemoryLedgerStore()) }, stepId, request);

    // Assess
    expect((await store.getDeadLetter(stepId))?.deadLetteredAt).toBe('2026-01-01T00:00:05.000Z');
    expect((await store.listDeadLetters(100)).letters.filter((l) => l.step.stepId === stepId)).toHaveLength(1);
  });

  it('answers notFound for a step that is not dead-lettered', async () => {
    const store = makeStore();
    const result = await replayDeadLetter({ steps: store, queue: new FlakyQueue(0), ledger: new Ledger(new InMemoryLedgerStore()) }, 'nope', request).catch((e: unknown) => e);
    expect(result).toBeInstanceOf(OperationError);
    expect((result as OperationError).kind).toBe('notFound');
  });
});
