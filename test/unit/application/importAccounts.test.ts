import { describe, expect, it } from 'vitest';
import { type AccountImportOutcome, importAccounts } from '../../../lib/application/admin/importAccounts.js';
import { type AccountImportReport, IMPORT_PART_BYTES } from '../../../lib/application/admin/reportAccountImport.js';
import { importAccountsJob } from '../../../lib/application/jobs/importAccountsJob.js';
import { JobRunner } from '../../../lib/application/jobs/JobRunner.js';
import { readImportReport } from '../../../lib/application/admin/readImportReport.js';
import type { AdminRequest } from '../../../lib/application/AdminRequest.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import { ConnectorError } from '../../../lib/connector-sdk/ConnectorError.js';
import type { AccountPage } from '../../../lib/connector-sdk/Connector.js';
import type { ActualAccess } from '../../../lib/domain/AccessRecords.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import type { RuntimeConnector } from '../../../lib/fanout/ConnectorRuntime.js';
import { InMemoryImportStore } from '../../fakes/InMemoryImportStore.js';
import { InMemoryJobStore } from '../../fakes/InMemoryJobStore.js';

const request: AdminRequest = { actor: 'ops', requestId: 'req-1', operation: 'POST /admin/connectors/crm/import' };

const user = (id: string, email: string): UserRecord => ({
  id,
  userName: `${id}@example.com`,
  active: true,
  version: 1,
  created: '',
  lastModified: '',
  attributes: { emails: [{ value: email, primary: true }] },
});

/** The report of an import that finished within the request. */
const reportOf = (outcome: AccountImportOutcome): AccountImportReport => {
  if (!outcome.finished) throw new Error(`the import did not finish: job ${outcome.job.id}`);
  return outcome.report;
};

describe('importAccounts', () => {
  const pages: Record<string, AccountPage> = {
    first: { accounts: [{ accountId: 'U1', userName: 'ada', email: 'ADA@example.com', active: true }], nextCursor: 'second' },
    second: { accounts: [{ accountId: 'U2', userName: 'bob', email: 'bob@example.com', active: false }, { accountId: 'U3', userName: 'zed', active: true }] },
  };
  const deps = (listable = true) => {
    const calls: string[] = [];
    const clock = { now: Date.parse('2026-03-01T00:00:00.000Z'), perList: 0 };
    const connector = {
      id: 'crm',
      type: 'memory',
      ...(listable ? { listAccounts: async (cursor?: string) => (calls.push(`list ${cursor ?? 'first'}`), (clock.now += clock.perList), pages[cursor ?? 'first']!) } : {}),
    };
    const runtime = {
      config: { correlation: ['email', 'userName'] },
      connector,
      limit: async <T>(call: () => Promise<T>): Promise<T> => (calls.push('limited'), call()),
    } as unknown as RuntimeConnector;
    const ledger: LedgerEventDraft[] = [];
    const imports = new InMemoryImportStore();
    const parts = new InMemoryJobStore();
    const now = (): Date => new Date(clock.now);
    const store = {
      imports,
      parts,
      ledger: { append: async (event: LedgerEventDraft) => (ledger.push(event), undefined as never) },
      connectors: { get: (id: string) => (id === 'crm' ? runtime : undefined) },
      directory: { listUsers: async () => [user('ada', 'ada@example.com'), user('bob', 'bob@example.com')] },
      access: { listActualByApp: async (): Promise<ActualAccess[]> => [{ personId: 'bob', app: 'crm', accountId: 'U2', status: 'disabled', entitlements: [], updatedAt: '' } as ActualAccess] },
      now,
    };
    const continuations: string[] = [];
    const build = (connectors: typeof store.connectors) => {
      const job = importAccountsJob({ ...store, connectors });
      const runner = new JobRunner({ jobs: parts, scheduler: { schedule: async (work) => void continuations.push(work.id) }, ledger: store.ledger, now }, [job]);
      return { runner, deps: { connectors, runner, job } };
    };
    return { calls, ledger, imports, parts, clock, continuations, build, ...build(store.connectors) };
  };

  it('reads every page within the rate limit and sorts the accounts into linked, already linked and unmatched', async () => {
    // Prepare
    const { deps: dependencies, calls, imports, parts, ledger } = deps();

    // Act
    const report = reportOf(await importAccounts(dependencies, 'crm', request));

    // Assess
    expect(calls).toEqual(['limited', 'list first', 'limited', 'list second']);
    expect(report).toEqual({
      app: 'crm',
      reportId: expect.any(String),
      checkedAt: '2026-03-01T00:00:00.000Z',
      accounts: 3,
      linked: [{ accountId: 'U1', userName: 'ada', email: 'ADA@example.com', active: true, personId: 'ada', rule: 'email' }],
      ambiguous: [],
      unmatched: [{ accountId: 'U3', userName: 'zed', active: true }],
      alreadyLinked: [{ accountId: 'U2', userName: 'bob', email: 'bob@example.com', active: false, personId: 'bob' }],
    });
    // Kept as the app's last report, whole, and ledgered by its counts only
    const state = await imports.get('crm');
    expect(state?.report).toEqual({ reportId: report.reportId, checkedAt: report.checkedAt, counts: { accounts: 3, linked: 1, ambiguous: 0, unmatched: 1, alreadyLinked: 1 }, parts: 1 });
    const { app: _app, reportId: _id, checkedAt: _at, accounts: _n, ...lists } = report;
    expect(await readImportReport(parts, state!.report!)).toEqual(lists);
    expect(ledger.filter((event) => event.chain === 'connector#crm')).toMatchObject([{ type: 'connector.import-reported', detail: { reportId: report.reportId, accounts: 3, linked: 1 } }]);
    expect(JSON.stringify(ledger)).not.toContain('example.com');
  });

  it('keeps a report larger than one part in several, read back in order', async () => {
    // Prepare: 3,000 accounts, about 240 KB of entries a thousand
    const many: AccountPage = { accounts: Array.from({ length: 3000 }, (_, i) => ({ accountId: `X${i}`, userName: `user-${i}-${'x'.repeat(200)}`, active: true })) };
    const { deps: dependencies, parts, imports, build } = deps();
    const listing = build({ get: () => ({ ...dependencies.connectors.get('crm')!, connector: { id: 'crm', type: 'memory', listAccounts: async () => many } }) as unknown as RuntimeConnector }).deps;

    // Act
    const report = reportOf(await importAccounts(listing, 'crm', request));

    // Assess
    const ref = (await imports.get('crm'))!.report!;
    expect(ref.parts).toBeGreaterThan(1);
    expect([...parts.parts.values()].every((part) => Buffer.byteLength(part) <= IMPORT_PART_BYTES)).toBe(true);
    expect((await readImportReport(parts, ref)).unmatched.map((a) => a.accountId)).toEqual(report.unmatched.map((a) => a.accountId));
  });

  it('continues a listing that outlasts the request in the background, from the page it reached, and keeps the report then', async () => {
    // Prepare: a page takes longer than the request's 20 s budget
    const { deps: dependencies, runner, calls, clock, continuations, imports } = deps();
    clock.perList = 25_000;

    // Act
    const first = await importAccounts(dependencies, 'crm', request);
    const afterFirst = [...calls];
    const again = await importAccounts(dependencies, 'crm', request);
    const second = await runner.resume(first.job.id, 20_000);
    const reportAfterListing = await imports.get('crm');
    const job = await runner.resume(first.job.id, 20_000);

    // Assess: one page in the request, the next in the continuation, none listed twice or by the second ask
    expect(first.finished).toBe(false);
    // A continuation after each slice that did not finish.
    expect(continuations).toHaveLength(2);
    expect([again.finished, again.job.id]).toEqual([false, first.job.id]);
    expect(afterFirst).toEqual(['limited', 'list first']);
    expect(calls).toEqual(['limited', 'list first', 'limited', 'list second']);
    // The second slice listed past its deadline: the report is made by a third, with time of its own.
    expect([second?.status, reportAfterListing]).toEqual(['running', undefined]);
    expect(job).toMatchObject({ status: 'succeeded', slices: 3, result: { app: 'crm', counts: { accounts: 3, linked: 1, unmatched: 1, alreadyLinked: 1 } } });
    expect((await imports.get('crm'))?.report?.reportId).toBe((job?.result as { reportId: string }).reportId);
  });

  it('says only the kind of failure when the app refuses the listing, and keeps no report', async () => {
    // Prepare
    const { deps: dependencies, build, imports } = deps();
    const failing = { ...dependencies.connectors.get('crm')!, connector: { id: 'crm', type: 'memory', listAccounts: async () => Promise.reject(new ConnectorError('auth', 'token tok-secret rejected for ada@example.com')) } };

    // Act
    const refusal = importAccounts(build({ get: () => failing as unknown as RuntimeConnector }).deps, 'crm', request);

    // Assess
    await expect(refusal).rejects.toMatchObject({ kind: 'upstream', message: 'Connector "crm" could not list its accounts: auth' });
    expect(await imports.get('crm')).toBeUndefined();
  });

  it('refuses an unknown connector and one that cannot list its accounts', async () => {
    await expect(importAccounts(deps().deps, 'nope', request)).rejects.toMatchObject({ kind: 'notFound' });
    const refusal = importAccounts(deps(false).deps, 'crm', request);
    await expect(refusal).rejects.toBeInstanceOf(OperationError);
    await expect(refusal).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('cannot list its accounts') });
  });
});
