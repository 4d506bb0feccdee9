import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outbox, UserRecord } from '../../lib/domain/DirectoryRecords.js';
import { spawnLocalPerimeter } from '../../local/spawnLocalPerimeter.js';
import { startTestPerimeter, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';
import { testDynamoEnv } from '../support/testDynamo.js';
import { waitUntil } from '../support/waitUntil.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const dirs: string[] = [];
const running: TestPerimeter[] = [];

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'perimeter-durability-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const perimeter of running.splice(0)) await perimeter.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('durability', () => {
  it('keeps users, groups, memberships and the ledger across a restart', async () => {
    // Prepare
    const dir = await dataDir();
    const first = await startTestPerimeter({ dataDir: dir });
    const user = await first.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'restart@example.com' } });
    const group = await first.scim('/Groups', { method: 'POST', body: { displayName: 'Finance', members: [{ value: user.body.id }] } });
    await first.stop();

    // Act
    const second = await startTestPerimeter({ dataDir: dir });
    running.push(second);
    const fetched = await second.scim(`/Users/${user.body.id}`);
    const chain = await second.stores.ledger.chain(`person#${user.body.id}`);

    // Assess
    expect(fetched.status).toBe(200);
    expect(fetched.body.groups).toEqual([expect.objectContaining({ value: group.body.id })]);
    expect(chain.map((event) => event.type)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
  });

  it('delivers an outbox a crash left undelivered, exactly once, at the next start', async () => {
    // Prepare: write a user with its outbox the way a request does, then "crash" before delivery.
    const dir = await dataDir();
    const first = await startTestPerimeter({ dataDir: dir });
    const now = new Date().toISOString();
    const user: UserRecord = {
      id: randomUUID(),
      userName: 'crashed@example.com',
      active: true,
      version: 1,
      created: now,
      lastModified: now,
      attributes: { userName: 'crashed@example.com', active: true },
    };
    const outbox: Outbox = {
      id: randomUUID(),
      createdAt: now,
      memberships: [],
      events: [
        {
          eventId: randomUUID(),
          kind: 'joiner',
          personId: user.id,
          occurredAt: now,
          source: { channel: 'scim', actor: 'test' },
          before: null,
          after: { id: user.id, userName: user.userName, active: true },
          changes: ['active', 'id', 'userName'],
        },
      ],
    };
    await first.stores.directory.putUser(user, undefined, outbox);
    // Half-delivered: the ledger append happened, the outbox was not cleared.
    await first.app.ledger.append(
      { eventId: outbox.events[0]!.eventId, chain: `person#${user.id}`, type: 'lifecycle.joiner', occurredAt: now, source: { channel: 'scim', actor: 'test' }, outcome: 'recorded', personId: user.id },
      {},
    );
    await first.stop();

    // Act
    const second = await startTestPerimeter({ dataDir: dir });
    running.push(second);
    const chain = await second.stores.ledger.chain(`person#${user.id}`);
    const pending = await second.stores.directory.listPendingOutboxes(10);

    // Assess
    expect(chain.map((event) => event.eventId)).toEqual([outbox.events[0]!.eventId]);
    expect(pending).toEqual([]);
  });

  it('loses no acknowledged write when the process is killed with SIGKILL mid-burst', async () => {
    // Prepare
    const dir = await dataDir();
    const env = { ...testDynamoEnv(dir), PERIMETER_DATA_DIR: dir, PERIMETER_SCIM_TOKEN: TEST_SCIM_TOKEN, PERIMETER_ADMIN_TOKEN: TEST_SCIM_TOKEN };
    const first = await spawnLocalPerimeter(env);
    const acknowledged: { id: string; userName: string }[] = [];
    const create = async (n: number): Promise<void> => {
      const userName = `burst-${n}@example.com`;
      try {
        const response = await fetch(`${first.url}/scim/v2/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: [USER_SCHEMA], userName }),
        });
        if (response.status === 201) acknowledged.push({ id: ((await response.json()) as { id: string }).id, userName });
      } catch {
        // The connection died with the process: not acknowledged, so nothing is owed.
      }
    };

    // Act: 8 concurrent writers; kill -9 once some writes are acknowledged and others in flight.
    const burst = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; i < 400; i++) await create(worker * 1000 + i);
    });
    await waitUntil(() => acknowledged.length >= 40, 15_000, 'forty acknowledged writes', () => `${acknowledged.length} so far`);
    await first.kill9();
    await Promise.all(burst);
    const second = await spawnLocalPerimeter(env);
    const missing: string[] = [];
    for (const { id } of acknowledged) {
      const response = await fetch(`${second.url}/scim/v2/Users/${id}`, { headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}` } });
      if (response.status !== 200) missing.push(id);
    }
    await second.stop();
    const inspector = await startTestPerimeter({ dataDir: dir });
    running.push(inspector);
    const chains = await Promise.all(acknowledged.map(({ id }) => inspector.stores.ledger.chain(`person#${id}`)));

    // Assess
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);
    expect(missing).toEqual([]);
    // Every acknowledged joiner is in the ledger exactly once (recovery delivered the rest).
    expect(chains.map((chain) => chain.filter((event) => event.type === 'lifecycle.joiner').length)).toEqual(acknowledged.map(() => 1));
    // Two process starts (tsx compiles each) and a restart: slow on a loaded 2-core machine.
  }, 90_000);
});
