import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePerimeterConfig } from '../lib/config/loadPerimeterConfig.js';
import type { PerimeterConfig } from '../lib/config/perimeterConfigSchema.js';
import { silentLogger } from '../lib/observability/createJsonLogger.js';
import { runConvergeCommand } from '../local/runConvergeCommand.js';
import { type RunningPerimeter, startPerimeter } from '../local/startPerimeter.js';
import { InMemorySecretStore } from '../test/fakes/InMemorySecretStore.js';
import { FakeScimApi } from '../test/fakes/scim/FakeScimApi.js';

// The converge benchmark (`npm run bench`, section `converge`): people who were in the directory
// before three apps and their rule existed; one app already holds accounts for some of them. It
// times the import of that app (report, then approval) and the convergence run that gives everyone
// every app, and sets the convergence time against the bound the apps' rate limits set: the calls
// each app received divided by its rate, for the slowest app.

const PEOPLE = Number(process.env.BENCH_CONVERGE_PEOPLE ?? 10_000);
const EXISTING = Math.min(PEOPLE, Number(process.env.BENCH_CONVERGE_ACCOUNTS ?? 2_000));
/** Each app's documented rate, requests a second: the connector paces to it and the fake enforces it (429). */
const RATE = Number(process.env.BENCH_CONVERGE_RATE ?? 200);
const APPS = ['crm', 'wiki', 'chat'] as const;
const SAAS_TOKEN = 'bench-saas-token';
const ADMIN = 'bench-admin-token-0123456789';
const SCIM = 'bench-scim-token-0123456789';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface ConvergeFigures {
  readonly people: number;
  readonly existingAccounts: number;
  readonly ratePerSecond: number;
  readonly importMs: number;
  readonly approveMs: number;
  readonly linked: number;
  readonly convergeMs: number;
  readonly steps: number;
  /** Requests each app received during convergence. */
  readonly calls: Readonly<Record<string, number>>;
  /** The slowest app's calls at its rate: no run can be faster. */
  readonly boundMs: number;
}

export async function runConvergeBench(): Promise<ConvergeFigures> {
  const fakes = new Map<string, FakeScimApi>();
  for (const app of APPS) {
    const fake = new FakeScimApi();
    fake.validTokens.add(SAAS_TOKEN);
    await fake.start();
    fakes.set(app, fake);
  }
  const crm = fakes.get('crm')!;
  // The crm's own accounts, under its own userNames, found by the people's work email.
  await inBatches(EXISTING, 32, (i) => post(`${crm.scimBaseUrl}/Users`, SAAS_TOKEN, { schemas: [USER_SCHEMA], userName: `crm-${i}`, emails: [{ value: email(i), primary: true }] }));
  for (const fake of fakes.values()) fake.limitRate(RATE, 1000);

  const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-converge-bench-'));
  const connectors = APPS.map((id) => ({ id, type: 'scim', settings: { baseUrl: fakes.get(id)!.scimBaseUrl }, credential: { secret: 'saas-token' }, ratePerSecond: RATE, correlation: ['email'] }));
  const start = (config: PerimeterConfig): Promise<RunningPerimeter> =>
    startPerimeter({ port: 0, dataDir, config, secrets: new InMemorySecretStore({ 'saas-token': SAAS_TOKEN }), scimToken: SCIM, adminToken: ADMIN, logger: silentLogger });
  const before = parsePerimeterConfig({ connectors, policy: { rules: [] }, reconciliation: { intervalMinutes: 0 } }, 'bench');
  let perimeter = await start(before);
  try {
    await inBatches(PEOPLE, 16, (i) => post(`${perimeter.url}/scim/v2/Users`, SCIM, { schemas: [USER_SCHEMA], userName: email(i), emails: [{ value: email(i), primary: true }] }));

    // The crm held accounts when Perimeter first ran with it: it started in import mode.
    let started = performance.now();
    const imported = (await finished(perimeter.url, await post(`${perimeter.url}/admin/connectors/crm/import`, ADMIN, {}))) as { reportId: string };
    const importMs = performance.now() - started;
    started = performance.now();
    const approved = (await finished(perimeter.url, await post(`${perimeter.url}/admin/connectors/crm/import/approve`, ADMIN, { reportId: imported.reportId }))) as { approval: { linked: number } };
    const approveMs = performance.now() - started;

    // The operator adds the rule and restarts; the start's own run is a dry run (autoApply is off).
    await perimeter.close();
    const after = parsePerimeterConfig({ connectors, policy: { rules: [{ id: 'everyone', when: {}, grant: APPS.map((app) => ({ app })) }] }, reconciliation: { intervalMinutes: 0 } }, 'bench');
    perimeter = await start(after);
    await perimeter.queue.drained();
    const requestsBefore = new Map([...fakes].map(([app, fake]) => [app, fake.requests.length]));
    started = performance.now();
    // The CLI's own command: it follows a run that outlasts the request to its end.
    let summary = '';
    await runConvergeCommand(['--apply', '--url', perimeter.url], { PERIMETER_ADMIN_TOKEN: ADMIN }, (chunk) => (summary += chunk));
    const { steps } = JSON.parse(summary) as { steps: number };
    await perimeter.queue.drained();
    const convergeMs = performance.now() - started;
    const calls = Object.fromEntries([...fakes].map(([app, fake]) => [app, fake.requests.length - (requestsBefore.get(app) ?? 0)]));
    const expected = PEOPLE;
    for (const [app, fake] of fakes) {
      const accounts = fake.allUsers().length;
      if (accounts !== expected) throw new Error(`${app} holds ${accounts} accounts after convergence, not ${expected}`);
    }
    return {
      people: PEOPLE,
      existingAccounts: EXISTING,
      ratePerSecond: RATE,
      importMs: Math.round(importMs),
      approveMs: Math.round(approveMs),
      linked: approved.approval.linked,
      convergeMs: Math.round(convergeMs),
      steps,
      calls,
      boundMs: Math.round((Math.max(...Object.values(calls)) / RATE) * 1000),
    };
  } finally {
    await perimeter.close();
    await Promise.all([...fakes.values()].map((fake) => fake.stop()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

const email = (i: number): string => `person-${i}@example.com`;

async function inBatches(count: number, width: number, each: (index: number) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, offset) => each(start + offset)));
  }
}

/** An admin answer, or for a 202 the result of the job it names once that job is done. */
async function finished(base: string, answer: unknown): Promise<unknown> {
  const pending = (answer as { job?: { id: string; status: string } }).job;
  // A 200 carries the report or the approval itself; a 202 only the job.
  if (!pending) return answer;
  for (;;) {
    // A benchmark's poll of a background job (the local scheduler runs its continuations).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const job = (await (await fetch(`${base}/admin/jobs/${pending.id}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { status: string; result?: unknown };
    if (job.status === 'failed') throw new Error(`job ${pending.id} failed`);
    // An import job's result has the report's id and counts, an approval's the approval.
    if (job.status === 'succeeded') return job.result;
  }
}

async function post(url: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
