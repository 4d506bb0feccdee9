import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { spawnLocalPerimeter } from '../local/spawnLocalPerimeter.js';
import type { ColdStartFigures, ColdStartRow } from './coldStartBench.js';
import { type ConvergeFigures, runConvergeBench } from './convergeBench.js';
import { type FanoutFigures, runFanoutBench } from './fanoutBench.js';
import { type LedgerFigures, runLedgerBench } from './ledgerBench.js';
import { SEED_USERS, seedScimUsers } from './seedScimUsers.js';
import { type LoadFigures, type LoadWindow, runSustainedLoadBench, SCIM_MIX, WEBHOOK_MIX } from './sustainedLoadBench.js';

// `npm run bench`: SCIM requests per second and latency on the local server (its own process, on
// the embedded DynamoDB engine), against a minimal node:http server returning a fixed SCIM body as
// the ceiling. BENCH_SECONDS sets each scenario's duration, BENCH_CONNECTIONS the concurrency.
// Then fan-out, the ledger, Lambda cold starts and sustained load; BENCH_SECTIONS (comma-separated,
// default all) picks sections, e.g. BENCH_SECTIONS=coldstart,load.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TOKEN = 'bench-token-0123456789abcdef0123';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const SECTIONS = ['scim', 'fanout', 'ledger', 'coldstart', 'load', 'converge'] as const;
type Section = (typeof SECTIONS)[number];

const RUNNERS: Readonly<Record<Section, () => Promise<void>>> = {
  scim: runScimSection,
  fanout: async () => printFanout([await runFanoutBench(1), await runFanoutBench(10)]),
  ledger: async () => printLedger(await runLedgerBench()),
  // Loaded only when chosen: it brings in aws-cdk-lib (the deployed bundling options and stacks).
  coldstart: async () => printColdStart(await (await import('./coldStartBench.js')).runColdStartBench()),
  load: async () => printLoad(await runSustainedLoadBench()),
  converge: async () => printConverge(await runConvergeBench()),
};

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

async function main(): Promise<void> {
  const sections = selectedSections(process.env.BENCH_SECTIONS);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  for (const [index, section] of sections.entries()) {
    if (index > 0) process.stdout.write('\n');
    const started = performance.now();
    await RUNNERS[section]();
    process.stdout.write(`(section ${section}: ${Math.round((performance.now() - started) / 1000)} s)\n`);
  }
}

/** The sections BENCH_SECTIONS names, in its order; all of them when it is unset or empty. */
function selectedSections(raw: string | undefined): Section[] {
  const names = (raw ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  if (names.length === 0) return [...SECTIONS];
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_SECTIONS names unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  return [...new Set(names as Section[])];
}

async function runScimSection(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-bench-'));
  const perimeter = await spawnLocalPerimeter({ PERIMETER_DATA_DIR: dataDir, PERIMETER_SCIM_TOKEN: TOKEN, PERIMETER_ADMIN_TOKEN: TOKEN });
  const ceiling = await startCeiling();
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const rows: Row[] = [];
  try {
    const ids = await seedScimUsers(perimeter.url, TOKEN);
    let counter = 0;
    const pick = (): string => ids[Math.floor(Math.random() * ids.length)] ?? '';

    rows.push(
      await run('ceiling: node:http fixed SCIM body', ceiling.url, [{ method: 'GET', path: '/scim/v2/Users/x' }]),
      await run('POST /Users (create)', perimeter.url, [
        {
          method: 'POST',
          path: '/scim/v2/Users',
          headers,
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ schemas: [USER_SCHEMA], userName: `bench-${process.pid}-${counter++}@example.com`, active: true }),
          }),
        },
      ]),
      await run('GET /Users/{id}', perimeter.url, [
        { method: 'GET', path: '/scim/v2/Users/x', headers, setupRequest: (request) => ({ ...request, path: `/scim/v2/Users/${pick()}` }) },
      ]),
      await run('GET /Users?filter=userName eq', perimeter.url, [
        {
          method: 'GET',
          path: '/scim/v2/Users',
          headers,
          setupRequest: (request) => ({
            ...request,
            path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "seed-${Math.floor(Math.random() * SEED_USERS)}@example.com"`)}`,
          }),
        },
      ]),
      await run('PATCH /Users/{id} (replace)', perimeter.url, [
        {
          method: 'PATCH',
          path: '/scim/v2/Users/x',
          headers,
          setupRequest: (request) => ({
            ...request,
            path: `/scim/v2/Users/${pick()}`,
            body: JSON.stringify({ schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: `Title ${counter++}` }] }),
          }),
        },
      ]),
    );
  } finally {
    ceiling.stop();
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  print(rows);
}

function printColdStart(f: ColdStartFigures): void {
  const kb = (bytes: number): string => (bytes / 1024).toFixed(0);
  const line = (r: ColdStartRow): string =>
    `| ${r.name} | ${kb(r.bundleBytes)} | ${kb(r.gzipBytes)} | ${kb(r.sourceMapBytes)} | ${r.initMs.median} | ${r.initMs.p90} | ${r.processMs.median} | ${r.initWithoutSourceMapsMs.median} | ${r.awsCalls.join(', ') || 'none'} |`;
  const lines = [
    `Cold start: each functions/*/handler.ts bundled as CDK deploys it (esbuild ESM, minified, target ${f.target}, AWS SDK bundled, source map), on Node ${f.nodeVersion} (Lambda runs Node 22)`,
    `init = \`await import(bundle)\` in a fresh node per sample (module evaluation plus top-level await; AWS answered by a local fake), NODE_OPTIONS=--enable-source-maps as deployed; ${f.samples} samples, p90 by nearest rank`,
    '',
    '| function | bundle KB | gzip KB | source map KB | init median ms | init p90 ms | process start to init done, median ms | init without source maps, median ms | AWS calls at init |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...f.rows.map(line),
    line({ ...f.baseline, name: 'baseline: middy + DynamoDBClient (GetItem per request)' }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printLoad(f: LoadFigures): void {
  const run = f.runs.at(-1);
  const verdict = (w: LoadWindow): string => (w.passed ? 'held' : `did not hold: ${w.reason ?? '?'}`);
  const stream = (name: string, s: LoadWindow['scim']): string =>
    `| ${name} | ${s.offeredRate} | ${s.achievedRate} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} | ${s.requests} | ${s.non2xx} | ${s.errors} |`;
  const lines = [
    `Sustained load: SCIM and HR webhooks (${Math.round(f.webhookShare * 100)}% of the rate) together on the local server, each evenly paced (open loop, latency from when a request was due), Node ${f.nodeVersion}`,
    `SCIM: ${SCIM_MIX}. Webhooks: ${WEBHOOK_MIX}.`,
    'A rate holds when both streams have p99 < 100 ms, no non-2xx, no errors, and at least 95% of their offered rate answered.',
    '',
    '| offered req/s | seconds | SCIM achieved | SCIM p99 ms | webhooks achieved | webhooks p99 ms | verdict |',
    '|---:|---:|---:|---:|---:|---:|---|',
    ...[...f.probes, ...f.runs].map(
      (w) => `| ${w.offeredRate} | ${w.seconds} | ${w.scim.achievedRate} | ${w.scim.p99} | ${w.webhooks.achievedRate} | ${w.webhooks.p99} | ${verdict(w)} |`,
    ),
    '',
  ];
  if (run) {
    lines.push(
      `${run.passed ? 'Held' : 'NOT HELD'}: ${run.offeredRate} req/s offered for ${run.seconds} s`,
      '',
      '| stream | offered req/s | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx | errors |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      stream('SCIM mix', run.scim),
      stream('HR webhooks', run.webhooks),
    );
  } else {
    lines.push('No rate held, not even the lowest probe.');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!run?.passed) process.exitCode = 1;
}

function printLedger(f: LedgerFigures): void {
  const lines = [
    '',
    `Ledger: ${f.events.toLocaleString('en')} events in the embedded engine (loaded in ${f.loadSeconds} s), 100 per person; each query run twice, the second timed`,
    '',
    '| question | ms |',
    '|---|---:|',
    `| a person's history, newest 100 | ${f.personHistoryFirstPageMs} |`,
    `| a person's whole history (100 events) | ${f.personHistoryAllMs} |`,
    `| a person's access as of a time (replayed) | ${f.personAsOfMs} |`,
    `| an entitlement's history, first 100 | ${f.entitlementHistoryMs} |`,
    `| a time range, first 100 | ${f.timeRangePageMs} |`,
    '',
    `Verification: ${f.verifiedEvents.toLocaleString('en')} events re-hashed and re-linked at ${f.verifyEventsPerSecond.toLocaleString('en')} events/s (read from the store, chain by chain).`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printFanout(figures: FanoutFigures[]): void {
  const lines = [
    '',
    `Fan-out: HR webhook to the last app done, fake SCIM apps answering in ${figures[0]?.latencyMs} ms, ${figures[0]?.rounds} rounds`,
    '',
    '| apps | joiner median ms | joiner max ms | leaver median ms | leaver max ms | serial joiner ms | serial leaver ms |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...figures.map((f) => `| ${f.apps} | ${f.joinerMs.median} | ${f.joinerMs.max} | ${f.leaverMs.median} | ${f.leaverMs.max} | ${f.serialJoinerMs} | ${f.serialLeaverMs} |`),
    '',
    '"serial" is what the same calls would take one app after another; fan-out should track the 1-app row instead.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(scenario: string, url: string, requests: autocannon.Request[]): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests });
  const failures = result.non2xx + result.errors + result.timeouts;
  return {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures,
  };
}

async function startCeiling(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ceilingServer.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /listening on (http:\/\/\S+)/.exec(chunk.toString());
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`ceiling server exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

function print(rows: Row[]): void {
  const lines = [
    `SCIM benchmark: ${CONNECTIONS} connections, ${SECONDS} s per scenario, ${SEED_USERS} seeded users, Node ${process.version}`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | requests | non-2xx/errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.scenario} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.requests} | ${r.failures} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

function printConverge(figures: ConvergeFigures): void {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  process.stdout.write(
    [
      `Convergence: ${figures.people} people who predate three apps (each paced to and limited at ${figures.ratePerSecond} requests/s); crm already holds ${figures.existingAccounts} of their accounts`,
      `  import report of crm:       ${seconds(figures.importMs)}`,
      `  approval (${figures.linked} links):     ${seconds(figures.approveMs)}`,
      `  converge, applied, drained: ${seconds(figures.convergeMs)} for ${figures.steps} steps`,
      `  calls per app:              ${Object.entries(figures.calls).map(([app, calls]) => `${app} ${calls}`).join(', ')}`,
      `  bound (slowest app's calls at its rate): ${seconds(figures.boundMs)}; converge / bound = ${(figures.convergeMs / Math.max(1, figures.boundMs)).toFixed(2)}`,
      '',
    ].join('\n'),
  );
}
