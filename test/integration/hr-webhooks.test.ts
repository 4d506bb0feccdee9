import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { terminationJobId } from '../../lib/hr/HrEventApplier.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import type { MemoryApp} from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const STANDARD_SECRET = `whsec_${Buffer.from('standard-webhooks-test-secret-32b').toString('base64')}`;
const BAMBOO_SECRET = 'bamboohr-private-key-for-tests';

/** Signs like a Standard Webhooks sender (spec v1): base64 HMAC-SHA256 of "id.timestamp.body". */
function standardHeaders(id: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const key = Buffer.from(STANDARD_SECRET.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

describe('HR webhooks to access', () => {
  const apps = new Map<string, MemoryApp>();
  const secrets = new InMemorySecretStore({ 'hr/standard': STANDARD_SECRET, 'hr/bamboohr': BAMBOO_SECRET });
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    const config = parsePerimeterConfig(
      {
        connectors: [{ id: 'chat', type: 'memory' }, { id: 'lab', type: 'memory' }],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'research-lab', when: { department: 'Research' }, grant: [{ app: 'lab', entitlements: ['bench:1'] }] },
          ],
        },
        webhooks: { standard: { secret: 'hr/standard' }, bamboohr: { secret: 'hr/bamboohr' } },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, secrets, registry: new Map([['memory', memoryConnectorDefinition(apps)]]) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const post = async (source: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${perimeter.url}/hooks/hr/${source}`, { method: 'POST', headers, body });
    return { status: response.status, body: await response.json() };
  };
  const hire = (employeeId: string, email: string, department = 'Research'): string =>
    JSON.stringify({ type: 'employee.hired', timestamp: new Date().toISOString(), data: { employeeId, attributes: { workEmail: email, givenName: 'Ada', familyName: 'Lovelace', department } } });

  it('a signed hire creates the person and the accounts policy names, recorded as from the HR system', async () => {
    // Act
    const body = hire('E-1', 'ada@example.com');
    const reply = await post('standard', body, standardHeaders('msg-hire-1', body));
    await perimeter.queue.drained();
    const personId = reply.body.events[0].personId as string;
    const chain = await perimeter.stores.ledger.chain(`person#${personId}`);

    // Assess
    expect(reply.status).toBe(202);
    expect(reply.body.events[0]).toMatchObject({ outcome: 'applied', kind: 'hire' });
    expect((await perimeter.stores.access.listActual(personId)).map((a) => [a.app, a.status, a.entitlements])).toEqual([
      ['chat', 'active', []],
      ['lab', 'active', ['bench:1']],
    ]);
    expect(chain[0]).toMatchObject({ type: 'lifecycle.joiner', source: { channel: 'hr-webhook', actor: 'hr:standard', requestId: 'msg-hire-1' } });
  });

  it('rejects a bad signature, a stale timestamp and a replay, and writes nothing for them', async () => {
    // Prepare
    const body = hire('E-2', 'bob@example.com');
    const before = (await perimeter.stores.directory.listUsers()).length;

    // Act
    const forged = await post('standard', body, { ...standardHeaders('msg-2', body), 'webhook-signature': 'v1,AAAA' });
    const tampered = await post('standard', body.replace('bob', 'eve'), standardHeaders('msg-3', body));
    const stale = await post('standard', body, standardHeaders('msg-4', body, Math.floor(Date.now() / 1000) - 600));
    const first = await post('standard', body, standardHeaders('msg-5', body));
    const replay = await post('standard', body, standardHeaders('msg-5', body));
    const unknownSource = await post('hibob', body, { 'content-type': 'application/json' });

    // Assess
    expect([forged.status, tampered.status, stale.status]).toEqual([401, 401, 401]);
    expect(forged.body.error.message).toBe('Signature verification failed');
    expect(first.status).toBe(202);
    expect(replay.status).toBe(409);
    expect(unknownSource.status).toBe(404);
    expect((await perimeter.stores.directory.listUsers()).length).toBe(before + 1);
  });

  it('a department change moves entitlements; a future termination is scheduled and runs then', async () => {
    // Prepare
    const hired = hire('E-3', 'cat@example.com');
    const personId = (await post('standard', hired, standardHeaders('msg-6', hired))).body.events[0].personId as string;
    await perimeter.queue.drained();

    // Act: move to Sales, then resign effective in a week
    const moved = JSON.stringify({ type: 'employee.updated', timestamp: new Date().toISOString(), data: { employeeId: 'E-3', attributes: { department: 'Sales' } } });
    await post('standard', moved, standardHeaders('msg-7', moved));
    await perimeter.queue.drained();
    const afterMove = await perimeter.stores.access.listActual(personId);
    const leaveAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const resign = JSON.stringify({ type: 'employee.terminated', timestamp: new Date().toISOString(), data: { employeeId: 'E-3', effectiveAt: leaveAt } });
    const scheduled = await post('standard', resign, standardHeaders('msg-8', resign));
    const beforeDue = await perimeter.stores.access.getActual(personId, 'chat');
    const job = await perimeter.scheduler.get(terminationJobId({ source: 'standard', employeeId: 'E-3' }));
    // Time passes: the job falls due.
    await perimeter.scheduler.schedule({ ...(job as NonNullable<typeof job>), runAt: new Date(Date.now() - 1000).toISOString() });
    await perimeter.runDueJobs();
    await perimeter.queue.drained();

    // Assess
    expect(afterMove.map((a) => [a.app, a.status, a.entitlements])).toEqual([
      ['chat', 'active', []],
      ['lab', 'disabled', []],
    ]);
    expect(scheduled.body.events[0]).toMatchObject({ outcome: 'scheduled', runAt: leaveAt });
    expect(beforeDue?.status).toBe('active');
    expect((await perimeter.stores.access.getActual(personId, 'chat'))?.status).toBe('disabled');
    expect((await perimeter.stores.directory.getUser(personId))?.active).toBe(false);
  });

  it('a rehire cancels a pending termination', async () => {
    // Prepare
    const hired = hire('E-4', 'dan@example.com');
    await post('standard', hired, standardHeaders('msg-9', hired));
    const resign = JSON.stringify({ type: 'employee.terminated', timestamp: new Date().toISOString(), data: { employeeId: 'E-4', effectiveAt: new Date(Date.now() + 86_400_000).toISOString() } });
    await post('standard', resign, standardHeaders('msg-10', resign));

    // Act
    const rehire = JSON.stringify({ type: 'employee.rehired', timestamp: new Date().toISOString(), data: { employeeId: 'E-4', attributes: {} } });
    await post('standard', rehire, standardHeaders('msg-11', rehire));

    // Assess
    expect(await perimeter.scheduler.get(terminationJobId({ source: 'standard', employeeId: 'E-4' }))).toBeUndefined();
  });

  it('accepts BambooHR field-based webhooks signed with its scheme', async () => {
    // Prepare: the documented payload, signed as BambooHR does (hex HMAC-SHA256 of body + timestamp).
    const body = readFileSync('test/fixtures/hr/bamboohr/field-based-created.json', 'utf8');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', BAMBOO_SECRET).update(body + timestamp).digest('hex');

    // Act
    const reply = await post('bamboohr', body, { 'content-type': 'application/json', 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': signature });
    const wrong = await post('bamboohr', body, { 'content-type': 'application/json', 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': '0'.repeat(64) });

    // Assess
    expect(reply.status).toBe(202);
    expect(reply.body.events.length).toBeGreaterThan(0);
    expect(wrong.status).toBe(401);
  });
});
