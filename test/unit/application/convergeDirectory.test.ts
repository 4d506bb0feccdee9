import { beforeEach, describe, expect, it } from 'vitest';
import { convergeDirectory } from '../../../lib/application/admin/convergeDirectory.js';
import { convergeJob } from '../../../lib/application/jobs/convergeJob.js';
import { JobRunner } from '../../../lib/application/jobs/JobRunner.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import type { Plan, PlanStep } from '../../../lib/domain/PlanStep.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import { InMemoryJobStore } from '../../fakes/InMemoryJobStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const admin = { actor: 'ops', requestId: 'r1', operation: 'POST /admin/converge' };
const user = (n: number): UserRecord => ({ id: `p${String(n).padStart(4, '0')}`, userName: `u${n}@example.com`, active: true, version: 1, created: '', lastModified: '', attributes: {} });

describe('convergence of the directory as a job', () => {
  let clock: number;
  let scheduled: ScheduledJob[];
  let jobs: InMemoryJobStore;
  let ledgerStore: InMemoryLedgerStore;
  let users: UserRecord[];
  let calls: string[];
  const now = (): Date => new Date(clock);
  /** Everyone lacks a crm account; 20 ms a person. */
  const stepsFor = (person: PersonSnapshot, eventId: string): Plan => {
    clock += 20;
    return { personId: person.id, eventId, notes: [], steps: [{ app: 'crm', action: 'createAccount', personId: person.id } as unknown as PlanStep] };
  };
  const planner = {
    converge: async (person: PersonSnapshot, runId: string): Promise<Plan> => {
      calls.push(`converge ${person.id} ${runId}`);
      return stepsFor(person, `converge:${runId}:${person.id}`);
    },
    previewConvergence: async (person: PersonSnapshot): Promise<Plan> => {
      calls.push(`preview ${person.id}`);
      return stepsFor(person, 'preview');
    },
  };
  const job = () => convergeJob({ planner, directory: { listUsers: async () => [...users].reverse() }, ledger: new Ledger(ledgerStore, now), now });
  const runner = (): JobRunner => new JobRunner({ jobs, scheduler: { schedule: async (next) => void scheduled.push(next) }, ledger: new Ledger(ledgerStore, now), now }, [job()]);
  const deps = () => ({ connectors: { get: (id: string) => (id === 'crm' ? ({} as never) : undefined) }, runner: runner(), job: job() });

  beforeEach(() => {
    clock = Date.parse('2026-03-01T00:00:00.000Z');
    scheduled = [];
    jobs = new InMemoryJobStore();
    ledgerStore = new InMemoryLedgerStore();
    users = Array.from({ length: 3 }, (_, n) => user(n));
    calls = [];
  });

  it('previews everyone in id order within the request, writing only the job and the report', async () => {
    // Act
    const outcome = await convergeDirectory(deps(), { dryRun: true, app: 'crm' }, admin);

    // Assess
    expect(calls).toEqual(['preview p0000', 'preview p0001', 'preview p0002']);
    expect(outcome.finished).toBe(true);
    const result = outcome.finished ? outcome.result : undefined;
    expect(result).toMatchObject({ dryRun: true, app: 'crm', people: 3, affected: 3, steps: 3, runId: outcome.job.id, ledgerEventId: `convergence:${outcome.job.id}` });
    expect(result?.apps.crm?.actions.createAccount?.sample.map((p) => p.userName)).toEqual(['u0@example.com', 'u1@example.com', 'u2@example.com']);
    expect(outcome.job).toMatchObject({ kind: 'converge', scope: 'dry-run:crm', status: 'succeeded' });
    const [report] = await ledgerStore.chain('convergence');
    expect(report).toMatchObject({ type: 'convergence.report', app: 'crm', source: { channel: 'admin', actor: 'ops', requestId: 'r1' }, detail: { dryRun: true, people: 3, steps: 3 } });
  });

  it('applies with the job as the run, and continues past the budget from the last person done', async () => {
    // Prepare: 1,500 people at 20 ms each is 30 s, over the request's 20 s
    users = Array.from({ length: 1500 }, (_, n) => user(n));

    // Act
    const outcome = await convergeDirectory(deps(), { dryRun: false }, admin);
    const resumed = await runner().resume(outcome.job.id, 12 * 60_000);

    // Assess
    expect(outcome.finished).toBe(false);
    expect(scheduled.map((s) => s.work)).toEqual([{ kind: 'job', jobId: outcome.job.id }]);
    expect(resumed).toMatchObject({ status: 'succeeded', slices: 2, scope: 'apply:all', result: { dryRun: false, people: 1500, affected: 1500, steps: 1500 } });
    expect(calls).toEqual(users.map((u) => `converge ${u.id} ${outcome.job.id}`));
    expect((await ledgerStore.chain('convergence')).map((e) => e.detail?.people)).toEqual([1500]);
  });

  it('refuses an app that is not configured, before starting anything', async () => {
    // Act
    const refused = await convergeDirectory(deps(), { dryRun: true, app: 'nope' }, admin).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(OperationError);
    expect((refused as OperationError).kind).toBe('notFound');
    expect(jobs.jobs.size).toBe(0);
  });
});
