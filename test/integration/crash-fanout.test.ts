import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpawnedPerimeter, spawnLocalPerimeter } from '../../local/spawnLocalPerimeter.js';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { inParallel } from '../support/inParallel.js';
import { prepareScimAppsDataDir } from '../support/prepareScimAppsDataDir.js';
import { startTestPerimeter, TEST_SCIM_TOKEN } from '../support/startTestPerimeter.js';
import { waitUntil } from '../support/waitUntil.js';

const PEOPLE = 500;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

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
    const { dataDir, env } = await prepareScimAppsDataDir(fakes, { prefix: 'perimeter-crash-', latencyMs: 5 });
    dirs.push(dataDir);
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
    await waitUntil(() => fakes.every((fake) => activeIn(fake) === PEOPLE), 60_000, 'joiners');

    // Act: queue 500 leavers (each acknowledged), kill -9 while they are being worked off, restart.
    for (const fake of fakes) fake.latencyMs = 20;
    await inParallel(ids, 16, async (id) => {
      const response = await scim(base, `/Users/${id}`, 'PATCH', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
      expect(response.status).toBe(200);
    });
    const inactive = (): number => fakes.reduce((sum, fake) => sum + fake.allUsers().filter((user) => user.active === false).length, 0);
    await waitUntil(() => inactive() >= 100, 60_000, 'some leavers to be applied');
    await child.kill9();
    const doneAtKill = inactive();
    for (const fake of fakes) fake.latencyMs = 2;
    child = await spawnLocalPerimeter(env);
    await waitUntil(() => inactive() === 2 * PEOPLE, 90_000, 'every leaver after the restart');
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
          (await inspector.stores.ledger.forPerson(id)).filter((e) => e.type === 'step.disableAccount' && e.outcome !== 'failed').length,
        ),
      );
      expect(outcomes.every((count) => count === 2)).toBe(true);
    } finally {
      await inspector.stop();
    }
  }, 240_000);
});
