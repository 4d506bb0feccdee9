import { expect } from 'vitest';
import type { HrEvent } from '../../lib/domain/HrEvent.js';
import type { PlanStep } from '../../lib/domain/PlanStep.js';
import type { ScheduledJob, Scheduler } from '../../lib/ports/Scheduler.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

/** The clock an adapter that needs one is given: jobs in the clauses run after it. */
export const SCHEDULER_NOW = new Date('2026-03-01T12:00:00.000Z');

const deletion: PlanStep = {
  stepId: 'step-delete-p1-github',
  eventId: 'evt-leaver-p1',
  plannedAt: '2026-03-01T12:00:00.000Z',
  personId: 'p1',
  app: 'github',
  action: 'deleteAccount',
  sequence: 3,
  rules: [],
  reason: 'leaver: delete after the 30-day grace period',
  person: { id: 'p1', userName: 'p1@example.com', active: false },
  notBefore: '2026-03-31T12:00:00.000Z',
};

const termination: HrEvent = {
  source: 'bamboohr',
  messageId: 'msg-77',
  kind: 'terminate',
  employeeId: 'E-77',
  effectiveAt: '2026-04-30T23:59:59.999Z',
  attributes: { workEmail: 'grace@example.com', employeeNumber: 'N-77' },
};

const stepJob = (id: string, runAt = '2026-03-31T12:00:00.000Z'): ScheduledJob => ({ id, runAt, work: { kind: 'step', step: deletion } });
const hrJob = (id: string, runAt = '2026-04-30T23:59:59.999Z'): ScheduledJob => ({ id, runAt, work: { kind: 'hr-event', event: termination } });

/**
 * What every Scheduler adapter promises: one-time jobs addressed by a deterministic id, so that
 * scheduling again replaces the job and a rehire can cancel a pending leaver by name; cancelling
 * what is not there is not an error. `openScheduler` returns a fresh, empty scheduler per test.
 */
export function describeSchedulerContract(name: string, openScheduler: () => Promise<Scheduler>, options: ContractOptions = {}): void {
  describeContract(`Scheduler contract: ${name}`, openScheduler, options, (clause) => {
    clause('knows no job it was not given', async (scheduler) => {
      expect(await scheduler.get('hr-terminate-bamboohr-E-77')).toBeUndefined();
    });

    clause('reads back a scheduled job exactly, whatever its work', async (scheduler) => {
      // Act
      await scheduler.schedule(stepJob('step-delete-p1-github'));
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));

      // Assess
      expect(await scheduler.get('step-delete-p1-github')).toEqual(stepJob('step-delete-p1-github'));
      expect(await scheduler.get('hr-terminate-bamboohr-E-77')).toEqual(hrJob('hr-terminate-bamboohr-E-77'));
    });

    clause('replaces the job when one with the same id is scheduled again', async (scheduler) => {
      // Prepare
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));
      const moved = { ...hrJob('hr-terminate-bamboohr-E-77', '2026-05-15T23:59:59.999Z'), work: { kind: 'hr-event', event: { ...termination, messageId: 'msg-78' } } } as const;

      // Act
      await scheduler.schedule(moved);

      // Assess
      expect(await scheduler.get('hr-terminate-bamboohr-E-77')).toEqual(moved);
    });

    clause('cancels a job by id, leaving the others', async (scheduler) => {
      // Prepare
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-78'));

      // Act
      await scheduler.cancel('hr-terminate-bamboohr-E-77');

      // Assess
      expect(await scheduler.get('hr-terminate-bamboohr-E-77')).toBeUndefined();
      expect(await scheduler.get('hr-terminate-bamboohr-E-78')).toEqual(hrJob('hr-terminate-bamboohr-E-78'));
    });

    clause('treats cancelling a job that does not exist (or no longer does) as done', async (scheduler) => {
      // Prepare
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));
      await scheduler.cancel('hr-terminate-bamboohr-E-77');

      // Act
      const again = scheduler.cancel('hr-terminate-bamboohr-E-77');
      const never = scheduler.cancel('hr-terminate-bamboohr-never-scheduled');

      // Assess
      await expect(again).resolves.toBeUndefined();
      await expect(never).resolves.toBeUndefined();
    });

    clause('can schedule again after a cancel', async (scheduler) => {
      // Prepare
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));
      await scheduler.cancel('hr-terminate-bamboohr-E-77');

      // Act
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77', '2026-06-30T23:59:59.999Z'));

      // Assess
      expect(await scheduler.get('hr-terminate-bamboohr-E-77')).toEqual(hrJob('hr-terminate-bamboohr-E-77', '2026-06-30T23:59:59.999Z'));
    });

    clause('keeps ids apart that are long or carry any characters, even when they differ only at the end', async (scheduler) => {
      // Prepare
      const base = `hr-terminate-workday-${'x'.repeat(80)}`;
      const ids = [`${base}@example.com/1`, `${base}@example.com/2`, 'hr-terminate-standard-émile.zola'];

      // Act
      for (const [i, id] of ids.entries()) await scheduler.schedule(hrJob(id, `2026-04-0${i + 1}T00:00:00.000Z`));
      await scheduler.cancel(ids[1] ?? '');

      // Assess
      expect(await scheduler.get(ids[0] ?? '')).toEqual(hrJob(ids[0] ?? '', '2026-04-01T00:00:00.000Z'));
      expect(await scheduler.get(ids[1] ?? '')).toBeUndefined();
      expect(await scheduler.get(ids[2] ?? '')).toEqual(hrJob(ids[2] ?? '', '2026-04-03T00:00:00.000Z'));
    });

    clause('keeps a job that is already due as it was given (it runs as soon as it can)', async (scheduler) => {
      // Prepare
      const overdue = stepJob('step-delete-p1-github', '2026-02-01T00:00:00.000Z');

      // Act
      await scheduler.schedule(overdue);

      // Assess
      expect(await scheduler.get('step-delete-p1-github')).toEqual(overdue);
    });

    clause('lists nothing when no job is pending', async (scheduler) => {
      expect(await scheduler.list({ limit: 10 })).toEqual({ jobs: [] });
    });

    clause('pages through every pending job exactly once, at most limit a page, as each was given', async (scheduler) => {
      // Prepare: five jobs, long and odd ids among them, one for a known person, one cancelled
      const ids = ['hr-terminate-standard-E-1', `hr-terminate-workday-${'y'.repeat(80)}`, 'hr-terminate-standard-émile', 'step-delete-p1-github', 'job-abc-1'];
      for (const id of ids) await scheduler.schedule(id.startsWith('step') ? stepJob(id) : hrJob(id));
      await scheduler.schedule({ ...hrJob('hr-terminate-bamboohr-E-77'), personId: 'p77' });
      await scheduler.cancel('job-abc-1');

      // Act
      const seen: ScheduledJob[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await scheduler.list({ limit: 2, ...(cursor !== undefined ? { cursor } : {}) });
        expect(page.jobs.length).toBeLessThanOrEqual(2);
        seen.push(...page.jobs);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 10);

      // Assess
      expect(cursor).toBeUndefined();
      const byId = (a: ScheduledJob, b: ScheduledJob): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      const expected = [...ids.filter((id) => id !== 'job-abc-1').map((id) => (id.startsWith('step') ? stepJob(id) : hrJob(id))), { ...hrJob('hr-terminate-bamboohr-E-77'), personId: 'p77' }];
      expect(seen.sort(byId)).toEqual(expected.sort(byId));
    });

    clause('lists a job that was scheduled again once, as it is now', async (scheduler) => {
      // Prepare
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77'));
      await scheduler.schedule(hrJob('hr-terminate-bamboohr-E-77', '2026-05-15T23:59:59.999Z'));

      // Act
      const page = await scheduler.list({ limit: 100 });

      // Assess
      expect(page).toEqual({ jobs: [hrJob('hr-terminate-bamboohr-E-77', '2026-05-15T23:59:59.999Z')] });
    });
  });
}
