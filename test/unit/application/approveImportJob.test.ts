import { describe, expect, it } from 'vitest';
import { approveAccountImport } from '../../../lib/application/admin/approveAccountImport.js';
import { reportAccountImport } from '../../../lib/application/admin/reportAccountImport.js';
import type { AdminRequest } from '../../../lib/application/AdminRequest.js';
import { ImportingApps } from '../../../lib/application/ImportingApps.js';
import { approveImportJob } from '../../../lib/application/jobs/approveImportJob.js';
import { JobRunner } from '../../../lib/application/jobs/JobRunner.js';
import type { Job } from '../../../lib/domain/Job.js';
import type { LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import type { RuntimeConnector } from '../../../lib/fanout/ConnectorRuntime.js';
import { InMemoryAccessStore } from '../../fakes/InMemoryAccessStore.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryImportStore } from '../../fakes/InMemoryImportStore.js';
import { InMemoryJobStore } from '../../fakes/InMemoryJobStore.js';

const request: AdminRequest = { actor: 'ops', requestId: 'req-approve', operation: 'POST /admin/connectors/crm/import/approve' };
const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const PEOPLE = 20;

/** An importing crm whose report links 20 people, each link taking `perLink` ms of a fake clock. */
async function scene(perLink: number) {
  const clock = { now: T0 };
  const now = (): Date => new Date(clock.now);
  const directory = new InMemoryDirectoryStore();
  const access = new InMemoryAccessStore();
  const imports = new InMemoryImportStore();
  const parts = new InMemoryJobStore();
  const ledger: LedgerEventDraft[] = [];
  const append = { append: async (event: LedgerEventDraft) => (ledger.push(event), undefined as never) };
  const at = now().toISOString();
  for (let index = 0; index < PEOPLE; index++) {
    const id = `p${index}`;
    await directory.putUser({ id, userName: `${id}@example.com`, active: true, version: 1, created: at, lastModified: at, attributes: { emails: [{ value: `${id}@example.com`, primary: true }] } }, undefined, { id: `o-${id}`, createdAt: at, events: [], memberships: [] });
  }
  // Linking reads the person first: that read is where the clock moves.
  const slowDirectory = Object.assign(Object.create(directory) as InMemoryDirectoryStore, { getUser: async (id: string) => ((clock.now += perLink), directory.getUser(id)) });
  const accounts = Array.from({ length: PEOPLE }, (_, index) => ({ accountId: `A${index}`, userName: `crm-${index}`, email: `p${index}@example.com`, active: true }));
  const report = await reportAccountImport({ directory, access, imports, parts, ledger: append }, { app: 'crm', correlation: ['email'], accounts }, request, now());
  await imports.save({ ...(await imports.get('crm'))!, mode: { state: 'importing', reason: 'accounts-found', since: at }, version: 2 });
  const runtime = { connector: { id: 'crm', type: 'memory' }, config: {} } as unknown as RuntimeConnector;
  const connectors = { get: (id: string) => (id === 'crm' ? runtime : undefined) };
  const converged: string[] = [];
  const budgets: number[] = [];
  const importing = new ImportingApps({ imports, apps: () => ['crm'], now: () => clock.now });
  const job = approveImportJob({
    connectors,
    directory: slowDirectory,
    access,
    imports,
    importing,
    parts,
    ledger: append,
    converge: async ({ app, budgetMs }) => (converged.push(app), budgets.push(budgetMs), { job: { id: 'converge-1' } as Job, dryRun: true }),
    now,
  });
  const runner = new JobRunner({ jobs: parts, scheduler: { schedule: async () => undefined }, ledger: append, now }, [job]);
  return { clock, access, imports, importing, converged, budgets, ledger, runner, reportId: report.reportId, approve: () => approveAccountImport({ connectors, imports, runner, job }, { app: 'crm', reportId: report.reportId }, request) };
}

describe('approving an import as a job', () => {
  it('links within the request when it fits, leaves import mode after the last link, and starts the convergence run', async () => {
    // Prepare
    const { approve, access, importing, converged, budgets } = await scene(1);

    // Act
    const outcome = await approve();

    // Assess
    expect(outcome).toMatchObject({ finished: true, approval: { linked: PEOPLE, skipped: 0 }, convergence: { jobId: 'converge-1', dryRun: true } });
    expect(await access.accountHolder('crm', 'A7')).toBe('p7');
    expect((await importing.list()).has('crm')).toBe(false);
    expect(converged).toEqual(['crm']);
    // The convergence run gets what is left of the request's 20 s (20 links took 20 ms), not 20 s more.
    expect(budgets).toEqual([20_000 - PEOPLE]);
  });

  it('continues a long approval in the background and stays importing until every link is made; asking again answers with the same job', async () => {
    // Prepare: each link takes 3 s of the request's 20 s budget
    const { approve, access, imports, runner, converged, budgets } = await scene(3_000);

    // Act
    const first = await approve();
    const midway = [await access.accountHolder('crm', 'A19'), (await imports.get('crm'))?.mode?.state];
    const again = await approve();
    let job = first.job!;
    while (job.status === 'running') job = (await runner.resume(job.id, 20_000))!;

    // Assess
    expect(first.finished).toBe(false);
    expect(midway).toEqual([undefined, 'importing']);
    expect([again.finished, again.job?.id]).toEqual([false, first.job?.id]);
    expect(job).toMatchObject({ status: 'succeeded', result: { approval: { linked: PEOPLE, skipped: 0 }, convergence: { jobId: 'converge-1' } } });
    expect(job.slices).toBeGreaterThan(1);
    expect(await access.accountHolder('crm', 'A19')).toBe('p19');
    expect((await imports.get('crm'))?.mode).toMatchObject({ state: 'active', reason: 'approved' });
    expect(converged).toEqual(['crm']);
    expect(budgets[0]).toBeLessThan(20_000);
    // Once approved, approving again does nothing.
    expect(await approve()).toMatchObject({ finished: true, alreadyApproved: true });
  });
});
