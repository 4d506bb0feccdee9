import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeRequest } from '../fakes/FakeServer.js';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { inParallel } from '../support/inParallel.js';
import { prepareScimAppsDataDir } from '../support/prepareScimAppsDataDir.js';
import { TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN } from '../support/startTestPerimeter.js';
import { waitUntil } from '../support/waitUntil.js';
import { ChaosPerimeter } from './support/ChaosPerimeter.js';
import { chaosSeed } from './support/chaosSeed.js';
import type { KillSpec } from './support/KillSpec.js';
import { openDataDirTables } from './support/openDataDirTables.js';
import { seededRandom } from './support/seededRandom.js';

const PEOPLE = 500;
const APPS = 2;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LEDGER_KILLS = ['before', 'inflight', 'after'] as const;

interface Person {
  readonly userName: string;
  id: string;
  /** How the IdP says this person left: deactivation (PATCH active:false) or DELETE. */
  leaver: 'patch' | 'delete';
  /** acked: 2xx before any kill; lost: the connection died with the process (maybe applied). */
  request?: 'acked' | 'lost' | `refused ${number}`;
}

/** PATCH active:false requests the apps received, per app account. */
function disablesPerAccount(fake: FakeScimApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of fake.requests) {
    if (request.method === 'PATCH' && isDeactivation(request)) counts.set(request.path, (counts.get(request.path) ?? 0) + 1);
  }
  return counts;
}

function isDeactivation(request: FakeRequest): boolean {
  const operations = (request.body as { Operations?: { path?: string; value?: unknown }[] } | undefined)?.Operations ?? [];
  return operations.some((operation) => operation.path === 'active' && operation.value === false);
}

/**
 * Issue 6, crash safety: an IdP offboards 500 people at once while Perimeter is killed with SIGKILL
 * again and again: during the SCIM burst, at a ledger append chosen by the seed (the child kills
 * itself there: before the conditional put, with it in flight, or just after it landed), while the
 * queue drains into the apps, and at another ledger append during recovery and fan-out. Every
 * restart uses the same data directory. Afterwards every acknowledged leaver is out in the
 * directory and disabled in both apps exactly once, requests cut off by a kill are all-or-nothing,
 * nothing is stuck or dead-lettered, and the ledger is intact with one record per change.
 */
describe('chaos: 500 leavers through repeated kill -9', () => {
  const random = seededRandom(chaosSeed('leaver-burst'));
  const fakes = Array.from({ length: APPS }, () => new FakeScimApi());
  const dirs: string[] = [];
  let perimeter: ChaosPerimeter | undefined;

  afterAll(async () => {
    await perimeter?.kill9('cleanup').catch(() => undefined);
    await Promise.all(fakes.map((fake) => fake.stop()));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('deactivates every acknowledged leaver exactly once, in the directory, both apps and the ledger', async () => {
    // Prepare: two SCIM apps, 500 joiners provisioned in both.
    const { dataDir, env } = await prepareScimAppsDataDir(fakes, { prefix: 'perimeter-chaos-leavers-', latencyMs: 2 });
    dirs.push(dataDir);
    const chaos = new ChaosPerimeter(env);
    perimeter = chaos;
    await chaos.start();
    const scim = (url: string, path: string, method: string, body?: unknown): Promise<Response> =>
      fetch(`${url}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const people: Person[] = Array.from({ length: PEOPLE }, (_, i) => ({ userName: `leaver-${i}@example.com`, id: '', leaver: random.next() < 0.3 ? 'delete' : 'patch' }));
    await inParallel(people, 16, async (person) => {
      const response = await scim(chaos.url, '/Users', 'POST', { userName: person.userName, active: true });
      expect(response.status).toBe(201);
      person.id = ((await response.json()) as { id: string }).id;
    });
    const activeIn = (fake: FakeScimApi): number => fake.allUsers().filter((user) => user.active === true).length;
    await waitUntil(() => fakes.every((fake) => activeIn(fake) === PEOPLE), 60_000, 'the joiners in both apps');

    // The kill schedule, from the seed.
    const schedule = {
      burstKillAfterAcks: random.int(40, 160),
      burstHook: { at: 'ledger-insert', nth: random.int(20, 200), when: random.pick(LEDGER_KILLS), inflightMs: random.int(0, 3) } satisfies KillSpec,
      drainKillAt: 0.2 + 0.6 * random.next(),
      drainHook: { at: 'ledger-insert', nth: random.int(1, 80), when: random.pick(LEDGER_KILLS), inflightMs: random.int(0, 3) } satisfies KillSpec,
    };
    process.stdout.write(`[chaos] leaver-burst schedule ${JSON.stringify(schedule)}\n`);
    const order = random.shuffle(people);
    // Slower apps, so the queue is still full when the burst ends and the fan-out kill finds work.
    for (const fake of fakes) fake.latencyMs = 15;
    const disables = (): number => fakes.reduce((sum, fake) => sum + [...disablesPerAccount(fake).values()].reduce((a, b) => a + b, 0), 0);
    const acked = (): number => people.filter((person) => person.request === 'acked').length;
    const restart = async (kill?: KillSpec): Promise<void> => {
      // A hook may fire during crash recovery, before the process listens: then start again.
      if ((await chaos.start(kill)) === 'killed-while-starting') await restart();
    };

    // Act: the IdP's burst, 16 connections, straight through the kills (requests wait while down).
    const leave = async (person: Person): Promise<void> => {
      for (;;) {
        const url = await chaos.ready();
        let response: Response;
        try {
          response =
            person.leaver === 'delete'
              ? await scim(url, `/Users/${person.id}`, 'DELETE')
              : await scim(url, `/Users/${person.id}`, 'PATCH', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
        } catch (error) {
          // Refused: this process was already gone and nothing was sent; the IdP tries again.
          if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') continue;
          person.request = 'lost';
          return;
        }
        await response.arrayBuffer();
        person.request = response.status === 200 || response.status === 204 ? 'acked' : `refused ${response.status}`;
        return;
      }
    };
    const quiet = async (ms: number): Promise<boolean> => {
      const seen = fakes.reduce((sum, fake) => sum + fake.requests.length, 0);
      // Kill timing: idle is judged from outside by silence; a kill that comes early is still a kill.
      await new Promise((resolve) => setTimeout(resolve, ms));
      return fakes.reduce((sum, fake) => sum + fake.requests.length, 0) === seen;
    };
    // An armed child kills itself at its ledger append; one that runs out of work first is killed
    // from outside once the apps have heard nothing for a while (a kill at idle).
    const hookOrQuiet = async (): Promise<void> => {
      await waitUntil(async () => !chaos.running || (burstDone && (await quiet(1_500))), 90_000, 'the armed ledger hook, or a quiet queue');
      await chaos.kill9('outside, at idle (the armed hook had no work left)');
    };
    const burst = inParallel(order, 16, leave);
    let burstDone = false;
    void burst.then(() => {
      burstDone = true;
    });

    // Kill 1, from outside, in the middle of the SCIM burst.
    await waitUntil(() => acked() >= schedule.burstKillAfterAcks || burstDone, 60_000, 'leavers to be acknowledged');
    await chaos.kill9(`outside, during the SCIM burst after ${acked()} acknowledged leavers`);
    // Kill 2, by the child itself, at a ledger append: lifecycle events of the burst, step outcomes.
    await restart(schedule.burstHook);
    await hookOrQuiet();
    await restart();
    await burst;
    const ackedAfterBurst = acked();

    // Kill 3, from outside, while the queue drains into the apps.
    const target = Math.max(disables(), Math.floor(disables() + schedule.drainKillAt * (APPS * ackedAfterBurst - disables())));
    await waitUntil(() => disables() >= target, 60_000, `${target} disables at the apps`, () => `${disables()} so far`);
    await chaos.kill9(`outside, during fan-out at ${disables()} of about ${APPS * ackedAfterBurst} disables`);
    // Kill 4, by the child, at a ledger append during crash recovery or fan-out (if any is left).
    await restart(schedule.drainHook);
    await hookOrQuiet();
    // The last start finishes whatever is left.
    for (const fake of fakes) fake.latencyMs = 2;
    await restart();

    const finalUrl = chaos.url;
    const deactivated = new Set<string>();
    await inParallel(people, 16, async (person) => {
      const response = await scim(finalUrl, `/Users/${person.id}`, 'GET');
      const body = (await response.json()) as { active?: boolean };
      if (response.status === 404 || (response.status === 200 && body.active === false)) deactivated.add(person.id);
      else expect(response.status).toBe(200);
    });
    const disabledEverywhere = (): number => {
      const accounts = fakes.map((fake) => new Map(fake.allUsers().map((user) => [String(user.userName), user.active])));
      return people.filter((person) => deactivated.has(person.id) && accounts.every((active) => active.get(person.userName) === false)).length;
    };
    await waitUntil(() => disabledEverywhere() === deactivated.size, 90_000, 'every deactivated person to be disabled in both apps', () => `${disabledEverywhere()} of ${deactivated.size}`);
    // Late duplicates would arrive now: wait until the apps hear nothing more.
    await waitUntil(() => quiet(2_000), 30_000, 'the apps to go quiet');
    const admin = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${finalUrl}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const deadLetters = await admin('/admin/dead-letters');
    const verification = await admin('/audit/verify');
    await chaos.stop();
    process.stdout.write(`[chaos] leaver-burst kills: ${chaos.kills.join('; ')}\n`);

    // Assess
    const byRequest = (state: Person['request']): Person[] => people.filter((person) => person.request === state);
    const lost = byRequest('lost');
    process.stdout.write(
      `[chaos] leaver-burst: ${byRequest('acked').length} acknowledged, ${lost.length} lost with the process ` +
        `(${lost.filter((p) => deactivated.has(p.id)).length} of them applied), ${deactivated.size} deactivated\n`,
    );
    // Kills happened where they were meant to: two from outside, two by the hooks (or at idle).
    expect(chaos.kills.length).toBeGreaterThanOrEqual(4);
    // Every request got an answer or died with a kill; a live Perimeter refused none.
    expect(people.filter((person) => person.request !== 'acked' && person.request !== 'lost')).toEqual([]);
    // Every acknowledged leaver is out of the directory (deactivated, or deleted: 404).
    expect(byRequest('acked').filter((person) => !deactivated.has(person.id)).map((p) => p.userName)).toEqual([]);
    // In each app: deactivated people disabled exactly once; the others untouched.
    for (const [i, fake] of fakes.entries()) {
      const counts = disablesPerAccount(fake);
      const accounts = new Map(fake.allUsers().map((user) => [String(user.userName), user]));
      const wrong = people.flatMap((person) => {
        const account = accounts.get(person.userName);
        const applied = counts.get(`/scim/v2/Users/${String(account?.id)}`) ?? 0;
        const expected = deactivated.has(person.id) ? 1 : 0;
        const active = !deactivated.has(person.id);
        return applied === expected && account?.active === active ? [] : [`app-${i} ${person.userName} (${person.request}): ${applied} disables, active ${String(account?.active)}`];
      });
      expect(wrong).toEqual([]);
      expect(fake.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    }
    expect(deadLetters).toMatchObject({ status: 200, body: { letters: [] } });
    expect(verification).toMatchObject({ status: 200, body: { intact: true } });

    // The tables as the last process left them: nothing queued, running, undelivered or unqueued,
    // and one ledger record per change (lifecycle event, step outcome), never two.
    const tables = await openDataDirTables(dataDir);
    try {
      expect(await tables.leftoverWork()).toEqual({ queued: 0, runningSteps: 0, deadLetters: 0, pendingOutboxes: 0, pendingPlans: 0 });
      const wrongRecords: string[] = [];
      await inParallel(people, 8, async (person) => {
        const leavers = (await tables.ledger.chain(`person#${person.id}`)).filter((event) => event.type === 'lifecycle.leaver').length;
        const expected = deactivated.has(person.id) ? 1 : 0;
        if (leavers !== expected) wrongRecords.push(`${person.userName}: ${leavers} leaver events`);
        for (let i = 0; i < APPS; i++) {
          const outcomes = (await tables.ledger.chain(`access#${person.id}#app-${i}`)).filter((event) => event.type === 'step.disableAccount').map((event) => event.outcome);
          if (outcomes.join() !== (expected ? 'applied' : '')) wrongRecords.push(`${person.userName} app-${i}: disable outcomes [${outcomes.join()}]`);
        }
      });
      expect(wrongRecords).toEqual([]);
    } finally {
      await tables.close();
    }
  }, 210_000);
});
