import { beforeEach, describe, expect, it } from 'vitest';
import type { PreviewPerson } from '../../../lib/application/admin/previewPlans.js';
import { previewPlans } from '../../../lib/application/admin/previewPlans.js';
import { getJobPart } from '../../../lib/application/admin/getJobPart.js';
import { JobRunner } from '../../../lib/application/jobs/JobRunner.js';
import { planPreviewJob } from '../../../lib/application/jobs/planPreviewJob.js';
import type { Plan } from '../../../lib/domain/PlanStep.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import { InMemoryJobStore } from '../../fakes/InMemoryJobStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const admin = { actor: 'ops', requestId: 'r1', operation: 'POST /admin/plan' };
/** Rows big enough that 3,000 of them need several stored parts. */
const roster = (count: number): PreviewPerson[] =>
  Array.from({ length: count }, (_, i) => ({ person: { id: `preview:p${i}`, userName: `p${i}@example.com`, active: true, displayName: 'x'.repeat(250) }, groups: [] }));

describe('roster previews as jobs', () => {
  let clock: number;
  let scheduled: ScheduledJob[];
  let jobs: InMemoryJobStore;
  let previewed: number;
  const now = (): Date => new Date(clock);
  const planner = {
    preview: async (person: PersonSnapshot): Promise<Plan> => {
      clock += 20; // 20 ms a person
      previewed++;
      return { personId: person.id, eventId: 'preview', steps: [], notes: [] };
    },
  };
  const runner = (): JobRunner =>
    new JobRunner({ jobs, scheduler: { schedule: async (job) => void scheduled.push(job) }, ledger: new Ledger(new InMemoryLedgerStore(), now), now }, [planPreviewJob({ planner, now })]);
  const deps = () => ({ planner, directory: { getUser: async () => undefined }, runner: runner(), job: planPreviewJob({ planner, now }) });

  beforeEach(() => {
    clock = Date.parse('2026-03-01T00:00:00.000Z');
    scheduled = [];
    jobs = new InMemoryJobStore();
    previewed = 0;
  });

  it('previews a small roster in the request and writes nothing', async () => {
    const outcome = await previewPlans(deps(), { people: roster(150) }, admin);
    expect(outcome).toMatchObject({ finished: true, dryRun: true });
    expect(outcome.finished && outcome.plans.length).toBe(150);
    expect(jobs.jobs.size).toBe(0);
  });

  it('answers a larger roster in full when it fits the budget, keeping the job and its parts', async () => {
    const outcome = await previewPlans(deps(), { people: roster(600) }, admin);
    const [job] = [...jobs.jobs.values()];
    expect(outcome.finished && outcome.plans.length).toBe(600);
    expect(job).toMatchObject({ kind: 'plan-preview', status: 'succeeded', result: { people: 600, resultParts: 1 } });
  });

  it('continues a roster past the budget in the background, its plans kept in result parts', async () => {
    // Act: 3,000 people at 20 ms each is a minute, over the request's 20 s
    const outcome = await previewPlans(deps(), { people: roster(3000) }, admin);
    const job = outcome.finished ? undefined : outcome.job;
    const resumed = await runner().resume(job?.id ?? '', 12 * 60_000);
    const result = resumed?.result as { people: number; resultParts: number };
    const parts = await Promise.all(Array.from({ length: result.resultParts }, (_, i) => getJobPart(runner(), job?.id ?? '', `result-${i}`)));

    // Assess
    expect(outcome.finished).toBe(false);
    expect(job).toMatchObject({ status: 'running', slices: 1 });
    expect(scheduled.map((s) => s.work)).toEqual([{ kind: 'job', jobId: job?.id }]);
    expect(resumed).toMatchObject({ status: 'succeeded', result: { people: 3000 } });
    expect(parts.flatMap((part) => part as Plan[]).map((plan) => plan.personId)).toEqual(roster(3000).map((row) => row.person.id));
    expect(previewed).toBe(3000);
    await expect(getJobPart(runner(), job?.id ?? '', 'input-0')).rejects.toThrow(/no part/);
  });
});
