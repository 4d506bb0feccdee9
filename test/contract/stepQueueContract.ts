import { expect } from 'vitest';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import { type StepQueue, stepGroupId } from '../../lib/ports/StepQueue.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

/** A step as a consumer received it: its lane, and the FIFO group it was ordered in. */
export interface DeliveredStep {
  readonly step: PlanStep;
  readonly group: string;
  readonly lane: 'lockout' | 'normal';
}

/**
 * A queue under test and its consumers. `drain` lets the consumers take everything sent so far
 * (each step handled successfully) and returns what they were given, in the order given.
 */
export interface StepQueueSubject {
  readonly queue: StepQueue;
  drain(): Promise<DeliveredStep[]>;
}

const step = (personId: string, app: string, n: number, priority?: 'lockout'): PlanStep => ({
  stepId: `${personId}-${app}-${n}${priority ? '-lockout' : ''}`,
  eventId: `evt-${personId}`,
  plannedAt: '2026-03-01T12:00:00.000Z',
  personId,
  app,
  action: priority ? 'disableAccount' : 'grant',
  sequence: n,
  ...(priority ? {} : { entitlement: `team:${n}` }),
  rules: priority ? [] : ['engineering-birthright'],
  reason: priority ? 'kill switch: disable the account' : `rule engineering-birthright grants team:${n}`,
  person: { id: personId, userName: `${personId}@example.com`, active: !priority },
  ...(priority ? { priority } : {}),
});

const ids = (delivered: readonly DeliveredStep[]): string[] => delivered.map((entry) => entry.step.stepId);
const ofGroup = (delivered: readonly DeliveredStep[], group: string): string[] => ids(delivered.filter((entry) => entry.group === group));

/**
 * What every StepQueue adapter promises the planner and the workers: the steps of one person in one
 * app arrive in the order sent (one FIFO group), a step id sent twice is queued once, and kill-switch
 * steps travel on a lane served ahead of queued work. `openQueue` returns a fresh, empty queue.
 */
export function describeStepQueueContract(name: string, openQueue: () => Promise<StepQueueSubject>, options: ContractOptions = {}): void {
  describeContract(`StepQueue contract: ${name}`, openQueue, options, (clause) => {
    clause('delivers every step sent, once and intact, in its person-and-app group on the normal lane', async (subject) => {
      // Prepare
      const steps = [step('p1', 'github', 0), step('p2', 'slack', 0)];

      // Act
      await subject.queue.send(steps);
      const delivered = await subject.drain();

      // Assess
      expect([...delivered].sort((a, b) => a.step.stepId.localeCompare(b.step.stepId))).toEqual([
        { step: steps[0], group: 'p1#github', lane: 'normal' },
        { step: steps[1], group: 'p2#slack', lane: 'normal' },
      ]);
    });

    clause('delivers nothing for an empty send', async (subject) => {
      // Act
      await subject.queue.send([]);

      // Assess
      expect(await subject.drain()).toEqual([]);
    });

    clause('keeps the order of one person\'s steps in one app across sends of any size', async (subject) => {
      // Prepare: more steps than one SQS batch holds, over three sends
      const steps = Array.from({ length: 25 }, (_, n) => step('p1', 'github', n));

      // Act
      await subject.queue.send(steps.slice(0, 12));
      await subject.queue.send(steps.slice(12, 13));
      await subject.queue.send(steps.slice(13));
      const delivered = await subject.drain();

      // Assess
      expect(ids(delivered)).toEqual(steps.map((s) => s.stepId));
    });

    clause('keeps each group\'s order when the steps of several people and apps are sent interleaved', async (subject) => {
      // Prepare
      const steps = [0, 1, 2, 3].flatMap((n) => [step('p1', 'github', n), step('p1', 'slack', n), step('p2', 'github', n)]);

      // Act
      await subject.queue.send(steps.slice(0, 7));
      await subject.queue.send(steps.slice(7));
      const delivered = await subject.drain();

      // Assess
      expect(delivered).toHaveLength(12);
      for (const [personId, app] of [['p1', 'github'], ['p1', 'slack'], ['p2', 'github']] as const) {
        expect(ofGroup(delivered, `${personId}#${app}`)).toEqual([0, 1, 2, 3].map((n) => `${personId}-${app}-${n}`));
      }
    });

    clause('queues a step id sent twice once, whether in one send or in two', async (subject) => {
      // Prepare
      const first = step('p1', 'github', 0);
      const second = step('p1', 'github', 1);

      // Act
      await subject.queue.send([first, second, first]);
      await subject.queue.send([second]);
      const delivered = await subject.drain();

      // Assess
      expect(ids(delivered)).toEqual(['p1-github-0', 'p1-github-1']);
    });

    clause('serves a kill-switch step ahead of the queued work of the same person and app', async (subject) => {
      // Prepare: a backlog, then the kill switch
      await subject.queue.send([0, 1, 2, 3, 4].map((n) => step('p1', 'github', n)));
      await subject.queue.send([0, 1, 2].map((n) => step('p2', 'slack', n)));

      // Act
      await subject.queue.send([step('p1', 'github', 9, 'lockout')]);
      const delivered = await subject.drain();

      // Assess
      expect(delivered[0]).toEqual({ step: step('p1', 'github', 9, 'lockout'), group: stepGroupId(step('p1', 'github', 9, 'lockout')), lane: 'lockout' });
      expect(delivered[0]?.group).toBe('p1#github#lockout');
      expect(ofGroup(delivered, 'p1#github')).toEqual([0, 1, 2, 3, 4].map((n) => `p1-github-${n}`));
      expect(delivered).toHaveLength(9);
    });

    clause('keeps the order of kill-switch steps within their own group', async (subject) => {
      // Act
      await subject.queue.send([step('p1', 'github', 0), step('p1', 'github', 1, 'lockout'), step('p1', 'github', 2, 'lockout')]);
      const delivered = await subject.drain();

      // Assess
      expect(ofGroup(delivered, 'p1#github#lockout')).toEqual(['p1-github-1-lockout', 'p1-github-2-lockout']);
      expect(delivered.filter((entry) => entry.lane === 'lockout').map((entry) => entry.group)).toEqual(['p1#github#lockout', 'p1#github#lockout']);
      expect(ofGroup(delivered, 'p1#github')).toEqual(['p1-github-0']);
    });

    clause('does not deliver a handled step again, only what was sent since', async (subject) => {
      // Prepare
      await subject.queue.send([step('p1', 'github', 0)]);
      await subject.drain();

      // Act
      await subject.queue.send([step('p1', 'github', 1)]);
      const delivered = await subject.drain();

      // Assess
      expect(ids(delivered)).toEqual(['p1-github-1']);
    });

  });
}
