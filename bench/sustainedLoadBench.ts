import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSecretStore } from '../lib/adapters/local/LocalSecretStore.js';
import { spawnLocalPerimeter } from '../local/spawnLocalPerimeter.js';
import { type PacedRequest, type PacedStats, paceRequests } from './paceRequests.js';
import { SEED_USERS, seedScimUsers } from './seedScimUsers.js';

// The sustained-load benchmark (`npm run bench`, section "load"): SCIM and signed HR webhooks
// together against the local server (its own process, on the embedded DynamoDB engine), each at a
// fixed offered rate, evenly spaced (bench/paceRequests.ts: an open loop, latency counted from when
// each request was due). Short probes find the highest rate that holds — p99 under 100 ms on both
// streams, no non-2xx, no errors, at least 95% of the offered rate answered — then one long run at
// that rate is the figure. BENCH_LOAD_SECONDS sets the long run (default 60).

const RUN_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const PROBE_SECONDS = Number(process.env.BENCH_LOAD_PROBE_SECONDS ?? 10);
const START_RATE = Number(process.env.BENCH_LOAD_START_RATE ?? 50);
const WEBHOOK_SHARE = Number(process.env.BENCH_LOAD_WEBHOOK_SHARE ?? 0.2);
const P99_LIMIT_MS = 100;
const MIN_ACHIEVED = 0.95;
/** Probing stops when the passing and failing rates are this close (ratio). */
const PRECISION = 1.1;
const MAX_PROBES = 15;
/** An answer slower than this is an error (and far past the 100 ms the rate must hold). */
const TIMEOUT_MS = 5_000;
/** A long run that fails is retried this many times, each 15% slower (60 s on 2 cores holds less than 10 s probes suggest). */
const RUN_RETRIES = 6;

const SEED_EMPLOYEES = 100;
const TOKEN = 'bench-load-token-0123456789abcdef';
const WEBHOOK_SECRET_NAME = 'perimeter/hr-standard-webhook';
const WEBHOOK_SECRET = `whsec_${Buffer.from('bench-load-standard-webhook-key!').toString('base64')}`;
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The SCIM stream's mix, by cumulative share: an IdP's traffic is mostly reads. */
export const SCIM_MIX = '60% GET /Users/{id}, 20% GET /Users?filter=userName eq, 10% PATCH /Users/{id}, 10% POST /Users';
export const WEBHOOK_MIX = "Standard Webhooks source, 50% employee.hired (new person), 50% employee.updated (title)";

export interface StreamFigures {
  readonly offeredRate: number;
  readonly achievedRate: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly requests: number;
  readonly non2xx: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  /** Status code counts other than 2xx, e.g. { "409": 2 }. */
  readonly failedStatuses: Readonly<Record<string, number>>;
}

export interface LoadWindow {
  readonly offeredRate: number;
  readonly seconds: number;
  readonly scim: StreamFigures;
  readonly webhooks: StreamFigures;
  readonly passed: boolean;
  /** Why it did not pass. */
  readonly reason?: string;
}

export interface LoadFigures {
  readonly nodeVersion: string;
  readonly webhookShare: number;
  readonly probes: readonly LoadWindow[];
  /** The long runs, last one the figure (earlier ones failed and were retried slower). */
  readonly runs: readonly LoadWindow[];
}

export async function runSustainedLoadBench(): Promise<LoadFigures> {
  for (const [name, value] of Object.entries({ RUN_SECONDS, PROBE_SECONDS, START_RATE })) {
    if (!Number.isFinite(value) || value < 1) throw new Error(`bench: ${name} must be a positive number, not ${value}`);
  }
  if (!(WEBHOOK_SHARE > 0 && WEBHOOK_SHARE < 1)) throw new Error(`BENCH_LOAD_WEBHOOK_SHARE must be between 0 and 1, not ${WEBHOOK_SHARE}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-load-bench-'));
  const configPath = join(dataDir, 'perimeter.json');
  // No connectors: this measures ingress (auth, validation, directory, ledger); fan-out has its own section.
  await writeFile(configPath, JSON.stringify({ webhooks: { standard: { secret: WEBHOOK_SECRET_NAME } }, reconciliation: { intervalMinutes: 0 } }));
  // The server opens the same store in the same data directory, as after `perimeter secrets put`.
  await (await LocalSecretStore.open({ dataDir })).putSecretValue(WEBHOOK_SECRET_NAME, WEBHOOK_SECRET);
  const perimeter = await spawnLocalPerimeter({
    PERIMETER_DATA_DIR: dataDir,
    PERIMETER_CONFIG: configPath,
    PERIMETER_SCIM_TOKEN: TOKEN,
    PERIMETER_ADMIN_TOKEN: TOKEN,
  });
  try {
    const traffic = new Traffic(perimeter.url, await seedScimUsers(perimeter.url, TOKEN), await seedEmployees(perimeter.url));
    const window = (rate: number, seconds: number): Promise<LoadWindow> => measure(traffic, rate, seconds);

    // Up by half while it holds, then halve the gap between the last rate that held and the first that did not.
    const probes: LoadWindow[] = [];
    let passing: number | undefined;
    let failing: number | undefined;
    let rate = START_RATE;
    while (probes.length < MAX_PROBES) {
      const probe = await window(rate, PROBE_SECONDS);
      probes.push(probe);
      if (probe.passed) passing = rate;
      else failing = rate;
      if (failing === undefined) rate = Math.round(rate * 1.5);
      else if (passing === undefined) {
        if (rate <= 2) break; // not even 2 req/s: nothing to search
        rate = Math.max(2, Math.floor(rate / 2));
      } else if (failing / passing <= PRECISION || failing - passing <= 2) break;
      else rate = Math.round((passing + failing) / 2);
    }

    const runs: LoadWindow[] = [];
    if (passing !== undefined) {
      let runRate = passing;
      for (let attempt = 0; attempt <= RUN_RETRIES; attempt++) {
        const run = await window(runRate, RUN_SECONDS);
        runs.push(run);
        if (run.passed) break;
        runRate = Math.max(1, Math.floor(runRate * 0.85));
      }
    }
    return {
      nodeVersion: process.version,
      webhookShare: WEBHOOK_SHARE,
      probes,
      runs,
    };
  } finally {
    await perimeter.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The two request streams; the counters keep created userNames and employee ids unique across windows. */
class Traffic {
  private created = 0;
  private hired = 0;
  private readonly key = Buffer.from(WEBHOOK_SECRET.slice('whsec_'.length), 'base64');
  private readonly headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

  public constructor(
    public readonly url: string,
    private readonly userIds: readonly string[],
    private readonly employeeIds: readonly string[],
  ) {}

  public scimRequest(): PacedRequest {
    const roll = Math.random();
    if (roll < 0.6) return { method: 'GET', path: `/scim/v2/Users/${pick(this.userIds)}`, headers: this.headers };
    if (roll < 0.8) {
      const filter = `userName eq "seed-${Math.floor(Math.random() * SEED_USERS)}@example.com"`;
      return { method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(filter)}`, headers: this.headers };
    }
    if (roll < 0.9) {
      const body = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: `Title ${this.created++}` }] };
      return { method: 'PATCH', path: `/scim/v2/Users/${pick(this.userIds)}`, headers: this.headers, body: JSON.stringify(body) };
    }
    const body = { schemas: [USER_SCHEMA], userName: `load-${process.pid}-${this.created++}@example.com`, active: true };
    return { method: 'POST', path: '/scim/v2/Users', headers: this.headers, body: JSON.stringify(body) };
  }

  public webhookRequest(): PacedRequest {
    const hire = Math.random() < 0.5;
    const employeeId = hire ? `L-${process.pid}-${this.hired++}` : pick(this.employeeIds);
    const data = hire
      ? { employeeId, attributes: { workEmail: `${employeeId.toLowerCase()}@example.com`, givenName: 'Load', familyName: employeeId } }
      : { employeeId, attributes: { title: `Title ${this.hired++}` } };
    return { method: 'POST', path: '/hooks/hr/standard', ...this.signedWebhook(hire ? 'employee.hired' : 'employee.updated', data) };
  }

  /** A Standard Webhooks delivery: a unique id, now, and the HMAC of "id.timestamp.body". */
  public signedWebhook(type: string, data: Record<string, unknown>): { headers: Record<string, string>; body: string } {
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const id = `msg_${process.pid}_${this.hired}_${Math.random().toString(36).slice(2)}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.key).update(`${id}.${timestamp}.${body}`).digest('base64');
    return {
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` },
      body,
    };
  }
}

/** Both streams at once for `seconds`, at `rate` requests per second in all. */
async function measure(traffic: Traffic, rate: number, seconds: number): Promise<LoadWindow> {
  const webhookRate = Math.max(1, Math.round(rate * WEBHOOK_SHARE));
  const scimRate = Math.max(1, rate - webhookRate);
  const common = { url: traffic.url, seconds, timeoutMs: TIMEOUT_MS };
  const [scim, webhooks] = await Promise.all([
    paceRequests({ ...common, rate: scimRate, next: () => traffic.scimRequest() }),
    paceRequests({ ...common, rate: webhookRate, next: () => traffic.webhookRequest() }),
  ]);
  const scimFigures = streamFigures(scim, scimRate);
  const webhookFigures = streamFigures(webhooks, webhookRate);
  const reasons: string[] = [];
  for (const [name, stream] of [['SCIM', scimFigures], ['webhooks', webhookFigures]] as const) {
    if (stream.non2xx > 0) reasons.push(`${name} non-2xx ${JSON.stringify(stream.failedStatuses)}`);
    if (stream.errors > 0) reasons.push(`${name} ${stream.errors} errors/timeouts`);
    if (stream.p99 >= P99_LIMIT_MS) reasons.push(`${name} p99 ${stream.p99} ms`);
    if (stream.achievedRate < stream.offeredRate * MIN_ACHIEVED) reasons.push(`${name} achieved ${stream.achievedRate} of ${stream.offeredRate} req/s`);
  }
  return {
    offeredRate: scimRate + webhookRate,
    seconds,
    scim: scimFigures,
    webhooks: webhookFigures,
    passed: reasons.length === 0,
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
  };
}

function streamFigures(stats: PacedStats, offeredRate: number): StreamFigures {
  return {
    offeredRate,
    achievedRate: stats.achievedRate,
    ...stats.latencyMs,
    requests: stats.sent,
    non2xx: stats.non2xx,
    errors: stats.errors,
    failedStatuses: Object.fromEntries(Object.entries(stats.statuses).filter(([status]) => !status.startsWith('2'))),
  };
}

/** Hires SEED_EMPLOYEES people by webhook, so the update half of the webhook stream has someone to update. */
async function seedEmployees(url: string): Promise<string[]> {
  const seeding = new Traffic(url, [], []);
  const ids = Array.from({ length: SEED_EMPLOYEES }, (_, i) => `S-${process.pid}-${i}`);
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map(async (employeeId) => {
        const signed = seeding.signedWebhook('employee.hired', {
          employeeId,
          attributes: { workEmail: `${employeeId.toLowerCase()}@example.com`, givenName: 'Seed', familyName: employeeId },
        });
        const response = await fetch(`${url}/hooks/hr/standard`, { method: 'POST', headers: signed.headers, body: signed.body });
        if (response.status !== 202) throw new Error(`Seeding employees failed with ${response.status}: ${await response.text()}`);
      }),
    );
  }
  return ids;
}

function pick(values: readonly string[]): string {
  return values[Math.floor(Math.random() * values.length)] ?? '';
}
