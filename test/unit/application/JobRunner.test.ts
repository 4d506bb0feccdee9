import { beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../lib/application/jobs/JobRunner.js';
import { reconcileJob } from '../../../lib/application/jobs/reconcileJob.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import type { ReconciliationReport } from '../../../lib/reconcile/ReconciliationReport.js';
import { InMemoryJobStore } from '../../fakes/InMemoryJobStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

describe('background jobs', () => {
  let clock: number;
  let scheduled: ScheduledJob[];
  let jobs: InMemoryJobStore;
  let ledgerStore: InMemoryLedgerStore;
  let reconciled: string[];
  let failOn: string | undefined;

  const now = (): Date => new Date(clock);
  const definition = () =>
    reconcileJob({
      reconciler: {
        listableApps: () => ['a', 'b', 'c'],
        reconcile: async (app: string): Promise<ReconciliationReport> => {
          if (app === failOn) throw new OperationError('invalid', `${app} cannot be listed`);
          clock += 15_000; // each app takes 15 s
          reconciled.push(app);
          return { app, runId: `run-${app}`, checkedAt: now().toISOString(), accounts: 2, orphans: [], drift: [], missing: [], staleLinks: [], linksReleased: 0, stepsQueued: 0 };
        },
      },
      now,
    });
  const runner = (): JobRunner => new JobRunner({ jobs, scheduler: { schedule: async (job) => void scheduled.push(job) }, ledger: new Ledger(ledgerStore, now), now }, [definition()]);

  beforeEach(() => {
    clock = Date.parse('2026-03-01T00:00:00.000Z');
    scheduled = [];
    jobs = new InMemoryJobStore();
    ledgerStore = new InMemoryLedgerStore();
    reconciled = [];
    failOn = undefined;
  });

  it('answers within the budget when the work fits, with the full result for the caller and a summary kept', async () => {
    // Act
    const run = await runner().start(definition(), { app: 'a', fix: false }, 'ops', 20_000);

    // Assess
    expect(run.started).toBe(true);
    expect(run.job).toMatchObject({ status: 'succeeded', slices: 1, scope: 'a', result: { reports: [{ app: 'a', accounts: 2, orphans: 0, ledgerEventId: 'reconcile:run-a' }] } });
    expect(run.detail?.reports.map((r) => r.app)).toEqual(['a']);
    expect(scheduled).toEqual([]);
    expect((await ledgerStore.chain('job#reconcile')).map((e) => [e.type, e.detail?.jobId])).toEqual([['job.succeeded', run.job.id]]);
  });

  it('continues through the scheduler when the budget runs out, each slice making progress, until done', async () => {
    // Act: 20 s for three apps of 15 s each
    const run = await runner().start(definition(), { fix: false }, 'ops', 20_000);
    const continuation = scheduled[0];
    const resumed = await runner().resume(run.job.id, 20_000);

    // Assess
    expect(run.job).toMatchObject({ status: 'running', slices: 1, progress: { next: 2 } });
    expect(continuation).toMatchObject({ work: { kind: 'job', jobId: run.job.id } });
    expect(resumed).toMatchObject({ status: 'succeeded', slices: 2 });
    expect((resumed?.result as { reports: { app: string }[] }).reports.map((r) => r.app)).toEqual(['a', 'b', 'c']);
    expect(reconciled).toEqual(['a', 'b', 'c']);
  });

  it('runs at most one job of a kind per scope: a second start returns the running one', async () => {
    // Prepare
    const first = await runner().start(definition(), { fix: false }, 'ops', 20_000);

    // Act
    const second = await runner().start(definition(), { fix: true }, 'other', 20_000);
    const otherScope = await runner().start(definition(), { app: 'b', fix: false }, 'other', 20_000);

    // Assess
    expect(second).toMatchObject({ started: false, job: { id: first.job.id, status: 'running' } });
    expect(otherScope).toMatchObject({ started: true, job: { status: 'succeeded' } });
  });

  it('records a failed job with the refusal it met, frees its scope, and lets the caller see the error', async () => {
    // Prepare
    failOn = 'a';

    // Act
    const error = await runner().start(definition(), { app: 'a', fix: false }, 'ops', 20_000).catch((e: unknown) => e);
    const [stored] = [...jobs.jobs.values()];
    failOn = undefined;
    const again = await runner().start(definition(), { app: 'a', fix: false }, 'ops', 20_000);

    // Assess
    expect(error).toBeInstanceOf(OperationError);
    expect(stored).toMatchObject({ status: 'failed', error: 'a cannot be listed' });
    expect((await ledgerStore.chain('job#reconcile')).map((e) => e.type)).toEqual(['job.failed', 'job.succeeded']);
    expect(again.started).toBe(true);
  });

  it('leaves a finished or unknown job alone when a continuation is delivered again', async () => {
    const run = await runner().start(definition(), { app: 'a', fix: false }, 'ops', 20_000);
    expect(await runner().resume(run.job.id, 20_000)).toMatchObject({ status: 'succeeded', slices: 1 });
    expect(await runner().resume('nope', 20_000)).toBeUndefined();
    expect(reconciled).toEqual(['a']);
  });
});
