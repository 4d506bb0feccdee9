import { beforeEach, describe, expect, it } from 'vitest';
import { cancelScheduledJob } from '../../../lib/application/admin/cancelScheduledJob.js';
import { listScheduledJobs } from '../../../lib/application/admin/listScheduledJobs.js';
import { pendingTermination } from '../../../lib/application/audit/pendingTermination.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import { InvalidCursorError } from '../../../lib/audit/InvalidCursorError.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { ENTERPRISE_USER_SCHEMA } from '../../../lib/domain/ENTERPRISE_USER_SCHEMA.js';
import type { PlanStep } from '../../../lib/domain/PlanStep.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { InMemoryScheduler } from '../../fakes/InMemoryScheduler.js';

const admin = { actor: 'ops', requestId: 'r1', operation: 'DELETE /admin/scheduled/x' };
const termination = (employeeId: string, personId?: string, source: 'standard' | 'workday' = 'standard'): ScheduledJob => ({
  id: `hr-terminate-${source}-${employeeId}`,
  runAt: '2026-04-30T22:00:00.000Z',
  work: { kind: 'hr-event', event: { source, messageId: 'm1', kind: 'terminate', employeeId, effectiveAt: '2026-04-30', attributes: {} } },
  ...(personId ? { personId } : {}),
});
const deletion: ScheduledJob = {
  id: 'step-s1',
  runAt: '2026-05-30T00:00:00.000Z',
  work: { kind: 'step', step: { stepId: 's1', personId: 'p2', app: 'github', action: 'deleteAccount', reason: 'leaver: delete after the grace period' } as unknown as PlanStep },
};
const continuation: ScheduledJob = { id: 'job-j1-2', runAt: '2026-03-01T00:00:00.000Z', work: { kind: 'job', jobId: 'j1' } };

describe('scheduled jobs for operators', () => {
  let scheduler: InMemoryScheduler;
  let ledgerStore: InMemoryLedgerStore;
  const deps = () => ({ scheduler, ledger: new Ledger(ledgerStore, () => new Date('2026-03-01T00:00:00.000Z')) });

  beforeEach(async () => {
    scheduler = new InMemoryScheduler();
    ledgerStore = new InMemoryLedgerStore();
    for (const job of [termination('E-1', 'p1'), deletion, continuation]) await scheduler.schedule(job);
  });

  it('lists each pending job with its kind, time, person and what it will do, paged', async () => {
    // Act
    const first = await listScheduledJobs(scheduler, { limit: 2 });
    const rest = await listScheduledJobs(scheduler, { limit: 2, cursor: first.nextCursor ?? '' });

    // Assess
    expect(rest.nextCursor).toBeUndefined();
    expect([...first.jobs, ...rest.jobs]).toEqual([
      { id: 'hr-terminate-standard-E-1', kind: 'hr-event', runAt: '2026-04-30T22:00:00.000Z', personId: 'p1', does: 'apply the standard terminate of employee E-1: the person becomes inactive and the leaver plan runs' },
      { id: 'job-j1-2', kind: 'job', runAt: '2026-03-01T00:00:00.000Z', does: 'continue background job j1' },
      { id: 'step-s1', kind: 'step', runAt: '2026-05-30T00:00:00.000Z', personId: 'p2', app: 'github', does: 'deleteAccount in github (leaver: delete after the grace period)' },
    ]);
  });

  it('refuses a cursor the scheduler did not issue as invalid (a 400)', async () => {
    // Prepare
    const refusing = { list: async () => Promise.reject(new InvalidCursorError('not ours')) };

    // Act
    const listed = listScheduledJobs(refusing, { limit: 2, cursor: 'forged' });

    // Assess
    await expect(listed).rejects.toMatchObject({ name: 'OperationError', kind: 'invalid' });
  });

  it('cancels a job about a person and records the reason on their chain', async () => {
    // Act
    const result = await cancelScheduledJob(deps(), { jobId: 'hr-terminate-standard-E-1', reason: 'withdrawn' }, admin);

    // Assess
    expect(result).toMatchObject({ cancelled: { id: 'hr-terminate-standard-E-1', personId: 'p1' }, reason: 'withdrawn' });
    expect(await scheduler.get('hr-terminate-standard-E-1')).toBeUndefined();
    expect(await ledgerStore.chain('person#p1')).toMatchObject([
      { eventId: 'admin.scheduled-job-cancelled:r1', personId: 'p1', detail: { id: 'hr-terminate-standard-E-1', reason: 'withdrawn' }, source: { actor: 'ops' } },
    ]);
  });

  it('records a cancelled job about no person (a termination for an employee not in the directory) on the scheduler chain', async () => {
    // Prepare
    await scheduler.schedule(termination('E-404'));

    // Act
    await cancelScheduledJob(deps(), { jobId: 'hr-terminate-standard-E-404', reason: 'never joined' }, admin);

    // Assess
    expect(await ledgerStore.chain('scheduler')).toMatchObject([{ type: 'admin.scheduled-job-cancelled', detail: { id: 'hr-terminate-standard-E-404', reason: 'never joined' } }]);
  });

  it('refuses to cancel a background job continuation (it would strand the job) as a conflict', async () => {
    // Act
    const cancelled = cancelScheduledJob(deps(), { jobId: 'job-j1-2', reason: 'stuck' }, admin);

    // Assess
    await expect(cancelled).rejects.toMatchObject({ name: 'OperationError', kind: 'conflict' });
    expect(await scheduler.get('job-j1-2')).toEqual(continuation);
    expect(await ledgerStore.chain('scheduler')).toEqual([]);
  });

  it('refuses a job that is not pending (never was, or cancelled already) as notFound, recording nothing more', async () => {
    // Prepare
    await cancelScheduledJob(deps(), { jobId: 'step-s1', reason: 'keep the account' }, admin);

    // Act
    const twice = cancelScheduledJob(deps(), { jobId: 'step-s1', reason: 'again' }, { ...admin, requestId: 'r2' });
    const never = cancelScheduledJob(deps(), { jobId: 'nope', reason: 'typo' }, { ...admin, requestId: 'r3' });

    // Assess
    await expect(twice).rejects.toBeInstanceOf(OperationError);
    await expect(never).rejects.toMatchObject({ kind: 'notFound' });
    expect(await ledgerStore.chain('person#p2')).toHaveLength(1);
  });
});

describe('pendingTermination', () => {
  const user = (patch: Partial<UserRecord>): UserRecord => ({ id: 'p1', userName: 'sam@example.com', active: true, version: 1, created: '', lastModified: '', attributes: {}, ...patch });

  it('finds the termination by the HR link or by the employee number under any source', async () => {
    // Prepare
    const scheduler = new InMemoryScheduler();
    await scheduler.schedule(termination('E-1', 'p1'));
    await scheduler.schedule(termination('N-9', undefined, 'workday'));

    // Act
    const linked = await pendingTermination(scheduler, user({ externalId: 'hr:standard:E-1' }));
    const byNumber = await pendingTermination(scheduler, user({ attributes: { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'N-9' } } }));
    const none = await pendingTermination(scheduler, user({ externalId: 'okta:123' }));

    // Assess
    expect(linked).toEqual({ jobId: 'hr-terminate-standard-E-1', runAt: '2026-04-30T22:00:00.000Z', source: 'standard', employeeId: 'E-1' });
    expect(byNumber).toMatchObject({ jobId: 'hr-terminate-workday-N-9', source: 'workday' });
    expect(none).toBeUndefined();
  });

  it('ignores a termination matched to someone else when it was scheduled', async () => {
    // Prepare
    const scheduler = new InMemoryScheduler();
    await scheduler.schedule(termination('E-1', 'p-other'));

    // Act
    const found = await pendingTermination(scheduler, user({ externalId: 'hr:standard:E-1' }));

    // Assess
    expect(found).toBeUndefined();
  });
});
