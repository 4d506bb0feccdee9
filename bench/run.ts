import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { spawnLocalPerimeter } from '../local/spawnLocalPerimeter.js';
import { type FanoutFigures, runFanoutBench } from './fanoutBench.js';
import { type LedgerFigures, runLedgerBench } from './ledgerBench.js';

// `npm run bench`: SCIM requests per second and latency on the local server (its own process, on
// the embedded DynamoDB engine), against a minimal node:http server returning a fixed SCIM body as
// the ceiling. BENCH_SECONDS sets each scenario's duration, BENCH_CONNECTIONS the concurrency.

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SEED_USERS = 500;
const TOKEN = 'bench-token-0123456789abcdef0123';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-bench-'));
  const perimeter = await spawnLocalPerimeter({ PERIMETER_DATA_DIR: dataDir, PERIMETER_SCIM_TOKEN: TOKEN, PERIMETER_ADMIN_TOKEN: TOKEN });
  const ceiling = await startCeiling();
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const rows: Row[] = [];
  try {
    const ids = await seed(perimeter.url, headers);
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
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  printFanout([await runFanoutBench(1), await runFanoutBench(10)]);
  printLedger(await runLedgerBench());
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

async function seed(url: string, headers: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < SEED_USERS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: 25 }, async (_, j) => {
        const response = await fetch(`${url}/scim/v2/Users`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ schemas: [USER_SCHEMA], userName: `seed-${i + j}@example.com`, active: true }),
        });
        if (response.status !== 201) throw new Error(`Seeding failed with ${response.status}: ${await response.text()}`);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
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
