import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../lib/audit/applyRetention.js';
import { sealLedger } from '../../lib/audit/sealLedger.js';
import { computeEventHash } from '../../lib/ledger/computeEventHash.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import { LocalLedgerArchive } from '../../lib/adapters/local/LocalLedgerArchive.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const DAY_MS = 86_400_000;

describe('ledger retention', () => {
  const started = ownPerimeter();
  let perimeter: TestPerimeter;
  beforeAll(() => {
    perimeter = started();
  });
  const verify = (): Promise<any> => verifyLedgerOf(perimeter);

  it('archives old events behind a sealed checkpoint, keeps verification intact, and still catches tampering', async () => {
    // Prepare: history now, then more history "400 days later" is simulated by the retention clock
    const id = (await perimeter.scim('/Users', { method: 'POST', body: { userName: 'old@example.com', title: 'A' } })).body.id as string;
    for (const title of ['B', 'C', 'D']) {
      await perimeter.scim(`/Users/${id}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: title }] } });
    }
    const chain = `person#${id}`;
    const before = await collect(perimeter.stores.ledger.chainEvents(chain));
    const deps = retentionDeps(perimeter);

    // Act: a year later, keep 365 days
    const run = await applyRetention(deps, 365, new Date(Date.now() + 400 * DAY_MS));
    const after = await collect(perimeter.stores.ledger.chainEvents(chain));
    const report = await verify();
    const archived = (await readFile(join(perimeter.dataDir, 'archive', run.runId, `${encodeURIComponent(chain)}.jsonl`), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as LedgerEvent);

    // Assess: all but the head went to the archive, re-hashable; what stays verifies from the sealed base
    expect(before.length).toBe(4);
    expect(after.map((e) => e.seq)).toEqual([4]);
    expect(archived.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(archived.every((e) => computeEventHash(e) === e.hash)).toBe(true);
    expect(report).toMatchObject({ intact: true });
    expect((await readdir(join(perimeter.dataDir, 'archive'))).length).toBe(1);

    // Act 2: tamper with the first kept event
    const db = (perimeter.stores.ledger as unknown as { db: { send(command: unknown): Promise<unknown> } }).db;
    const kept = after[0] as LedgerEvent;
    await db.send(new UpdateCommand({ TableName: perimeter.tables.ledger, Key: { chain, seq: kept.seq }, UpdateExpression: 'SET #e = :e', ExpressionAttributeNames: { '#e': 'event' }, ExpressionAttributeValues: { ':e': JSON.stringify({ ...kept, outcome: 'failed' }) } }));

    // Assess 2
    expect(await verify()).toMatchObject({ intact: false, firstBreak: { chain, seq: kept.seq } });
  });
});

describe('ledger retention, run after run', () => {
  const started = ownPerimeter();
  let perimeter: TestPerimeter;
  beforeAll(() => {
    perimeter = started();
  });
  const verify = (): Promise<any> => verifyLedgerOf(perimeter);

  it('seals again and retains again after a retention run removed chains\' first events', async () => {
    // Prepare: a chain whose first events retention removed
    const id = (await perimeter.scim('/Users', { method: 'POST', body: { userName: 'again@example.com', title: 'A' } })).body.id as string;
    await perimeter.scim(`/Users/${id}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'B' }] } });
    const deps = retentionDeps(perimeter);
    await applyRetention(deps, 365, new Date(Date.now() + 400 * DAY_MS));

    // Act
    // (a day after the retention run, whose checkpoint is dated by its clock)
    const sealed = await sealLedger(perimeter.stores.ledger, perimeter.stores.checkpoints, new Date(Date.now() + 401 * DAY_MS));
    const listed = await collect(perimeter.stores.ledger.chainEvents(`person#${id}`));
    const again = await applyRetention(deps, 365, new Date(Date.now() + 800 * DAY_MS));

    // Assess: the chain is still known to verification, sealing and retention
    expect(sealed.heads.map((head) => head.chain)).toContain(`person#${id}`);
    expect(listed.map((e) => e.seq)).toEqual([2]);
    expect(again.runId).toEqual(expect.any(String));
    expect(await verify()).toMatchObject({ intact: true });
  });
});

/** A perimeter of the calling describe's own (a tampered ledger in one must not break the other). */
function ownPerimeter(): () => TestPerimeter {
  let perimeter: TestPerimeter | undefined;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter?.stop();
  });
  return () => {
    if (!perimeter) throw new Error('the perimeter starts in beforeAll');
    return perimeter;
  };
}

/** What retention works with, as local mode wires it. */
function retentionDeps(perimeter: TestPerimeter): Parameters<typeof applyRetention>[0] {
  return {
    audit: perimeter.stores.ledger,
    checkpoints: perimeter.stores.checkpoints,
    archive: new LocalLedgerArchive(perimeter.dataDir),
    pruner: perimeter.stores.ledger,
    ledger: perimeter.app.ledger,
  };
}

async function verifyLedgerOf(perimeter: TestPerimeter): Promise<any> {
  return (await fetch(`${perimeter.url}/audit/verify`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json();
}

async function collect(events: AsyncIterable<LedgerEvent>): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}
