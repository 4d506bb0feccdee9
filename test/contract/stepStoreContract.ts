import { expect } from 'vitest';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import type { DeadLetter } from '../../lib/domain/StepRecord.js';
import type { StepStore } from '../../lib/ports/StepStore.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const T0 = '2026-03-01T12:00:00.000Z';
const T1 = '2026-03-01T12:00:30.000Z';

const planStep = (stepId: string): PlanStep => ({
  stepId,
  eventId: 'evt-1',
  plannedAt: T0,
  personId: 'p1',
  app: 'github',
  action: 'grant',
  sequence: 0,
  entitlement: 'team:platform',
  rules: ['engineering-birthright'],
  reason: 'rule engineering-birthright grants team:platform',
  person: { id: 'p1', userName: 'p1@example.com', active: true },
});

const letter = (stepId: string, deadLetteredAt: string, attempts = 3): DeadLetter => ({
  step: planStep(stepId),
  deadLetteredAt,
  attempts,
  error: `auth: ${stepId}: HTTP 401`,
});

/** Every page of dead letters, following nextCursor to the end. */
async function allDeadLetters(store: StepStore, pageSize: number): Promise<{ pages: number; letters: DeadLetter[] }> {
  const letters: DeadLetter[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listDeadLetters(pageSize, cursor);
    expect(page.letters.length).toBeLessThanOrEqual(pageSize);
    letters.push(...page.letters);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 20);
  expect(cursor).toBeUndefined();
  return { pages, letters };
}

/**
 * What every StepStore adapter promises the executor and the admin API: a step record is the
 * idempotency guard across redeliveries (a finished or dead-lettered step is never attempted
 * again), dead letters are listed newest first a page at a time and can be released to run again
 * from attempt 1, and suspension is a per-connector flag. `openStore` returns a fresh, empty store.
 */
export function describeStepStoreContract(name: string, openStore: () => Promise<StepStore>, options: ContractOptions = {}): void {
  describeContract(`StepStore contract: ${name}`, openStore, options, (clause) => {
    clause('knows no step, dead letter or suspension it was not told about', async (store) => {
      // Act
      const found = [await store.get('step-1'), await store.getDeadLetter('step-1'), await store.isSuspended('github')];

      // Assess
      expect(found).toEqual([undefined, undefined, false]);
      expect(await store.listDeadLetters(10)).toEqual({ letters: [] });
      expect(await store.listSuspended()).toEqual([]);
    });

    clause('creates the record on the first attempt and counts every later one', async (store) => {
      // Act
      const first = await store.recordAttempt('step-1', T0);
      const second = await store.recordAttempt('step-1', T1);

      // Assess
      expect(first).toEqual({ stepId: 'step-1', status: 'running', attempts: 1, createdAt: T0 });
      expect(second).toEqual({ stepId: 'step-1', status: 'running', attempts: 2, createdAt: T0 });
      expect(await store.get('step-1')).toEqual(second);
    });

    clause('counts every one of concurrent attempts', async (store) => {
      // Act
      await Promise.all(Array.from({ length: 5 }, () => store.recordAttempt('step-1', T0)));

      // Assess
      expect((await store.get('step-1'))?.attempts).toBe(5);
    });

    clause('keeps the last failure, cut to 1000 characters', async (store) => {
      // Prepare
      await store.recordAttempt('step-1', T0);

      // Act
      await store.recordFailure('step-1', 'rateLimited: github: HTTP 429');
      const first = await store.get('step-1');
      await store.recordFailure('step-1', `internal: ${'x'.repeat(2000)}`);

      // Assess
      expect(first?.lastError).toBe('rateLimited: github: HTTP 429');
      const last = await store.get('step-1');
      expect(last?.lastError).toBe(`internal: ${'x'.repeat(2000)}`.slice(0, 1000));
      expect(last).toMatchObject({ status: 'running', attempts: 1 });
    });

    clause('answers a redelivery of a finished step with undefined, without counting it', async (store) => {
      // Prepare
      await store.recordAttempt('step-1', T0);
      await store.recordFailure('step-1', 'rateLimited: github: HTTP 429');
      await store.recordAttempt('step-1', T1);

      // Act
      await store.markDone('step-1', 'applied');
      const redelivered = await store.recordAttempt('step-1', T1);

      // Assess
      expect(redelivered).toBeUndefined();
      expect(await store.get('step-1')).toEqual({
        stepId: 'step-1',
        status: 'done',
        attempts: 2,
        createdAt: T0,
        outcome: 'applied',
        lastError: 'rateLimited: github: HTTP 429',
      });
    });

    clause('reads a step finished without an attempt under its own id', async (store) => {
      // Act
      await store.markDone('step-1', 'skipped');

      // Assess
      expect(await store.get('step-1')).toMatchObject({ stepId: 'step-1', status: 'done', outcome: 'skipped' });
      expect(await store.recordAttempt('step-1', T0)).toBeUndefined();
    });

    clause('dead-letters a step: its record says so, it is listed and found, and never attempted again', async (store) => {
      // Prepare
      await store.recordAttempt('step-1', T0);
      await store.recordAttempt('step-1', T0);

      // Act
      await store.deadLetter(letter('step-1', T1, 2));
      const redelivered = await store.recordAttempt('step-1', T1);

      // Assess
      expect(redelivered).toBeUndefined();
      expect(await store.get('step-1')).toEqual({
        stepId: 'step-1',
        status: 'dead-lettered',
        attempts: 2,
        createdAt: T0,
        outcome: 'dead-lettered',
        lastError: 'auth: step-1: HTTP 401',
      });
      expect(await store.getDeadLetter('step-1')).toEqual(letter('step-1', T1, 2));
      expect((await store.listDeadLetters(10)).letters).toEqual([letter('step-1', T1, 2)]);
    });

    clause('lists dead letters newest first, a page at a time, each once', async (store) => {
      // Prepare: five letters, two of them at the same time
      const times = ['2026-03-01T10:00:00.000Z', '2026-03-01T14:00:00.000Z', '2026-03-01T11:00:00.000Z', '2026-03-01T11:00:00.000Z', '2026-03-01T09:00:00.000Z'];
      for (const [i, at] of times.entries()) {
        await store.recordAttempt(`step-${i}`, T0);
        await store.deadLetter(letter(`step-${i}`, at));
      }

      // Act
      const first = await store.listDeadLetters(2);
      const byTwo = await allDeadLetters(store, 2);
      const byFive = await allDeadLetters(store, 5);

      // Assess
      const expected = ['step-1', 'step-3', 'step-2', 'step-0', 'step-4'];
      expect(first.letters.map((l) => l.step.stepId)).toEqual(expected.slice(0, 2));
      expect(first.nextCursor).toEqual(expect.any(String));
      expect(byTwo.letters.map((l) => l.step.stepId)).toEqual(expected);
      expect(byTwo.pages).toBe(3);
      expect(byFive.letters.map((l) => l.step.stepId)).toEqual(expected);
    });

    clause('lists a step dead-lettered again (a redelivery after a crash) once', async (store) => {
      // Prepare
      await store.recordAttempt('step-1', T0);
      await store.deadLetter(letter('step-1', T0, 1));

      // Act
      await store.deadLetter(letter('step-1', T1, 2));

      // Assess: one letter, the latest failure's, found as it is listed
      const { letters } = await store.listDeadLetters(10);
      expect(letters).toHaveLength(1);
      expect(letters[0]?.attempts).toBe(2);
      expect(await store.getDeadLetter('step-1')).toEqual(letters[0]);
    });

    clause('reopens a dead letter: the step runs again from attempt 1, and the letter stays listed until released', async (store) => {
      // Prepare
      await store.recordAttempt('step-1', T0);
      await store.deadLetter(letter('step-1', T0, 1));
      await store.recordAttempt('step-2', T0);
      await store.deadLetter(letter('step-2', T0, 1));

      // Act
      await store.reopenDeadLetter('step-1');
      await store.reopenDeadLetter('step-1');
      const rerun = await store.recordAttempt('step-1', T1);
      const whileReopened = await store.getDeadLetter('step-1');
      await store.releaseDeadLetter(letter('step-1', T0, 1));

      // Assess
      expect(rerun).toMatchObject({ stepId: 'step-1', status: 'running', attempts: 1 });
      expect(whileReopened).toEqual(letter('step-1', T0, 1));
      expect(await store.getDeadLetter('step-1')).toBeUndefined();
      expect((await store.listDeadLetters(10)).letters.map((l) => l.step.stepId)).toEqual(['step-2']);
    });

    clause('releases only the letter it is given: a newer letter of the same step stays listed', async (store) => {
      // Prepare: replayed, and dead-lettered again before the replay released the first letter.
      await store.recordAttempt('step-1', T0);
      await store.deadLetter(letter('step-1', T0, 1));
      await store.reopenDeadLetter('step-1');
      await store.recordAttempt('step-1', T1);
      await store.deadLetter(letter('step-1', T1, 1));

      // Act
      await store.releaseDeadLetter(letter('step-1', T0, 1));

      // Assess
      expect((await store.listDeadLetters(10)).letters).toEqual([letter('step-1', T1, 1)]);
      expect(await store.getDeadLetter('step-1')).toEqual(letter('step-1', T1, 1));
    });

    clause('suspends and resumes connectors, listing the suspended ones by id', async (store) => {
      // Act
      await store.setSuspended('slack', true, 'admin:ops', T0);
      await store.setSuspended('github', true, 'admin:ops', T0);
      await store.setSuspended('okta', true, 'admin:ops', T0);
      await store.setSuspended('okta', false, 'admin:ops', T1);
      await store.setSuspended('google', false, 'admin:ops', T1);

      // Assess
      expect(await store.listSuspended()).toEqual(['github', 'slack']);
      expect([await store.isSuspended('github'), await store.isSuspended('okta'), await store.isSuspended('google')]).toEqual([true, false, false]);
    });

  });
}
