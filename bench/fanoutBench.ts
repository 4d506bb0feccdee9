import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePerimeterConfig } from '../lib/config/loadPerimeterConfig.js';
import { silentLogger } from '../lib/observability/createJsonLogger.js';
import { startPerimeter } from '../local/startPerimeter.js';
import { InMemorySecretStore } from '../test/fakes/InMemorySecretStore.js';
import { FakeScimApi } from '../test/fakes/scim/FakeScimApi.js';

// The fan-out benchmark (`npm run bench`, second part): an HR hire and then a termination webhook
// against the local server, with 10 apps behind fake SCIM APIs that each answer in 50 ms. It reports
// the time from the webhook to the last app done, next to the sum of the per-app times: fan-out must
// grow with the slowest app, not the sum.

const LATENCY_MS = 50;
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 5);
const SECRET = `whsec_${Buffer.from('bench-standard-webhooks-secret!!').toString('base64')}`;
const TOKEN = 'bench-saas-token';

export interface FanoutFigures {
  readonly apps: number;
  readonly latencyMs: number;
  readonly rounds: number;
  readonly joinerMs: { median: number; max: number };
  readonly leaverMs: { median: number; max: number };
  /** Calls one app needs for a joiner / leaver, times the latency, times the apps: the serial cost. */
  readonly serialJoinerMs: number;
  readonly serialLeaverMs: number;
}

export async function runFanoutBench(APPS = 10): Promise<FanoutFigures> {
  const fakes = await Promise.all(
    Array.from({ length: APPS }, async () => {
      const fake = new FakeScimApi();
      fake.validTokens.add(TOKEN);
      await fake.start();
      fake.latencyMs = LATENCY_MS;
      return fake;
    }),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-fanout-bench-'));
  const config = parsePerimeterConfig(
    {
      connectors: fakes.map((fake, i) => ({
        id: `app-${i}`,
        type: 'scim',
        settings: { baseUrl: fake.scimBaseUrl },
        credential: { secret: 'saas-token' },
      })),
      policy: { rules: [{ id: 'everyone', when: {}, grant: fakes.map((_, i) => ({ app: `app-${i}` })) }] },
      webhooks: { standard: { secret: 'hr-standard' } },
      reconciliation: { intervalMinutes: 0 },
    },
    'bench',
  );
  const perimeter = await startPerimeter({
    port: 0,
    dataDir,
    config,
    secrets: new InMemorySecretStore({ 'saas-token': TOKEN, 'hr-standard': SECRET }),
    scimToken: 'bench-scim-token-0123456789',
    adminToken: 'bench-admin-token-0123456789',
    logger: silentLogger,
  });
  const joiner: number[] = [];
  const leaver: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const employeeId = `B-${Date.now()}-${round}`;
      const requests = (): number => fakes.reduce((sum, fake) => sum + fake.requests.length, 0);
      let before = requests();
      let started = performance.now();
      await webhook(perimeter.url, 'employee.hired', { employeeId, attributes: { workEmail: `${employeeId.toLowerCase()}@example.com`, givenName: 'Bench', familyName: employeeId } });
      await perimeter.queue.drained();
      joiner.push(performance.now() - started);
      const joinerCalls = (requests() - before) / APPS;

      before = requests();
      started = performance.now();
      await webhook(perimeter.url, 'employee.terminated', { employeeId });
      await perimeter.queue.drained();
      leaver.push(performance.now() - started);
      const leaverCalls = (requests() - before) / APPS;
      if (round === ROUNDS - 1) {
        return {
          apps: APPS,
          latencyMs: LATENCY_MS,
          rounds: ROUNDS,
          joinerMs: summary(joiner),
          leaverMs: summary(leaver),
          serialJoinerMs: Math.round(joinerCalls * LATENCY_MS * APPS),
          serialLeaverMs: Math.round(leaverCalls * LATENCY_MS * APPS),
        };
      }
    }
    throw new Error('no rounds ran');
  } finally {
    await perimeter.close();
    await Promise.all(fakes.map((fake) => fake.stop()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function webhook(url: string, type: string, data: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const id = `msg_${type}_${String(data.employeeId)}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  const response = await fetch(`${url}/hooks/hr/standard`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
    body,
  });
  if (response.status !== 202) throw new Error(`webhook ${type} answered ${response.status}: ${await response.text()}`);
}

function summary(values: number[]): { median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), max: Math.round(sorted.at(-1) ?? 0) };
}
