import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';
import { type SpawnedPerimeter, spawnLocalPerimeter } from '../../local/spawnLocalPerimeter.js';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN } from '../support/startTestPerimeter.js';

const PEOPLE = 500;
const SAAS_TOKEN = 'crash-test-saas-token';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function inParallel<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await task(items[next++] as T);
  }));
}

describe('crash safety of the fan-out (kill -9 in the middle of 500 queued leavers)', () => {
  const fakes = [new FakeScimApi(), new FakeScimApi()];
  const dirs: string[] = [];
  let child: SpawnedPerimeter | undefined;
  afterAll(async () => {
    await child?.kill9().catch(() => undefined);
    await Promise.all(fakes.map((fake) => fake.stop()));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('finishes every leaver after a restart, and applies none twice', async () => {
    // Prepare: two apps behind fake SCIM APIs, a config and a stored credential, 500 joiners done.
    for (const fake of fakes) {
      fake.validTokens.add(SAAS_TOKEN);
      await fake.start();
      fake.latencyMs = 5;
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-crash-'));
    dirs.push(dataDir);
    const configPath = join(dataDir, 'perimeter.json');
    await writeFile(
      configPath,
      JSON.stringify({
        connectors: fakes.map((fake, i) => ({ id: `app-${i}`, type: 'scim', settings: { baseUrl: fake.scimBaseUrl }, credential: { secret: 'saas' }, concurrency: 8 })),
        policy: { rules: [{ id: 'everyone', when: {}, grant: fakes.map((_, i) => ({ app: `app-${i}` })) }] },
        leaver: { default: { actions: ['disable'] } },
        reconciliation: { intervalMinutes: 0 },
      }),
    );
    await (await LocalSecretStore.open({ dataDir })).putSecretValue('saas', SAAS_TOKEN);
    const env = { PERIMETER_DATA_DIR: dataDir, PERIMETER_CONFIG: configPath, PERIMETER_SCIM_TOKEN: TEST_SCIM_TOKEN, PERIMETER_ADMIN_TOKEN: TEST_ADMIN_TOKEN };
    child = await spawnLocalPerimeter(env);
    const scim = (url: string, path: string, method: string, body?: unknown): Promise<Response> =>
      fetch(`${url}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const ids: string[] = [];
    const base = child.url;
    await inParallel(Array.from({ length: PEOPLE }, (_, i) => i), 16, async (i) => {
      const response = await scim(base, '/Users', 'POST', { userName: `crash-${i}@example.com`, active: true });
      ids.push(((await response.json()) as { id: string }).id);
    });
    const activeIn = (fake: FakeScimApi): number => fake.allUsers().filter((user) => user.active === true).length;
    await until(() => fakes.every((fake) => activeIn(fake) === PEOPLE), 60_000, 'joiners');

    // Act: queue 500 leavers (each acknowledged), kill -9 while they are being worked off, restart.
    for (const fake of fakes) fake.latencyMs = 20;
    await inParallel(ids, 16, async (id) => {
      const response = await scim(base, `/Users/${id}`, 'PATCH', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect(response.status).toBe(200);
    });
    const inactive = (): number => fakes.reduce((sum, fake) => sum + fake.allUsers().filter((user) => user.active === false).length, 0);
    await until(() => inactive() >= 100, 60_000, 'some leavers to be applied');
    await child.kill9();
    const doneAtKill = inactive();
    for (const fake of fakes) fake.latencyMs = 2;
    child = await spawnLocalPerimeter(env);
    await until(() => inactive() === 2 * PEOPLE, 90_000, 'every leaver after the restart');
    await child.stop();
    child = undefined;

    // Assess: every account disabled exactly once (a redelivered step finds it done and changes nothing)
    const disables = fakes.map((fake) =>
      fake.requests.filter((request) => request.method === 'PATCH' && JSON.stringify(request.body).includes('"active"')),
    );
    const perAccount = disables.map((requests) => {
      const counts = new Map<string, number>();
      for (const request of requests) counts.set(request.path, (counts.get(request.path) ?? 0) + 1);
      return [...counts.values()];
    });
    expect(doneAtKill).toBeLessThan(2 * PEOPLE);
    expect(perAccount.map((counts) => counts.length)).toEqual([PEOPLE, PEOPLE]);
    expect(perAccount.flat().every((count) => count === 1)).toBe(true);

    // ...and the ledger holds one terminal outcome per person and app.
    const inspector = await startTestPerimeter({ dataDir });
    try {
      const outcomes = await Promise.all(
        ids.slice(0, 100).map(async (id) =>
          (await inspector.services.ledgerStore.forPerson(id)).filter((e) => e.type === 'step.disableAccount' && e.outcome !== 'failed').length,
        ),
      );
      expect(outcomes.every((count) => count === 2)).toBe(true);
    } finally {
      await inspector.stop();
    }
  }, 240_000);
});
