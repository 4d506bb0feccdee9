import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const SECRET = `whsec_${Buffer.from('standard-webhooks-ordering-secret').toString('base64')}`;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The latest truth wins: concurrent SCIM and HR writers, and HR events arriving late or twice. */
describe('HR events racing SCIM and each other', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    const config = parsePerimeterConfig({ webhooks: { standard: { secret: 'hr/standard' } } }, 'test');
    perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ 'hr/standard': SECRET }) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  /** A Standard Webhooks delivery (a fresh webhook-id each time: a sender's retry is a new delivery here). */
  const send = async (type: string, employeeId: string, timestamp: string, attributes: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
    const body = JSON.stringify({ type, timestamp, data: { employeeId, attributes } });
    const id = `msg-${randomUUID()}`;
    const at = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64')).update(`${id}.${at}.${body}`).digest('base64');
    const response = await fetch(`${perimeter.url}/hooks/hr/standard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': `v1,${signature}` },
      body,
    });
    return { status: response.status, body: await response.json() };
  };
  const iso = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString();
  const user = async (id: string): Promise<any> => (await perimeter.scim(`/Users/${id}`)).body;

  it('never lets a concurrent HR update undo an acknowledged SCIM leaver (25 racing pairs, twice)', async () => {
    for (let round = 0; round < 2; round++) {
      // Prepare: 25 people hired through HR
      const people = await Promise.all(
        Array.from({ length: 25 }, async (_, n) => {
          const hired = await send('employee.hired', `R${round}-${n}`, iso(-60_000), { workEmail: `race-${round}-${n}@example.com`, title: 'Engineer' });
          return hired.body.events[0].personId as string;
        }),
      );

      // Act: each leaves over SCIM while HR changes their title
      const replies = await Promise.all(
        people.map(async (id, n) => {
          const [leaver, update] = await Promise.all([
            perimeter.scim(`/Users/${id}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } }),
            send('employee.updated', `R${round}-${n}`, iso(0), { title: 'Senior Engineer' }),
          ]);
          return { leaver: leaver.status, update: update.status };
        }),
      );
      const after = await Promise.all(people.map(user));

      // Assess: both writes acknowledged, every leaver inactive, and every title change kept
      expect(replies.every((r) => r.leaver === 200 && r.update === 202)).toBe(true);
      expect(after.filter((u) => u.active !== false).map((u) => u.id)).toEqual([]);
      expect(after.filter((u) => u.title !== 'Senior Engineer').map((u) => u.id)).toEqual([]);
    }
  }, 120_000);

  it('records an HR event older than the last applied one as stale and changes nothing; a newer rehire undoes the termination', async () => {
    // Prepare: hired an hour ago, terminated now
    const hired = await send('employee.hired', 'ORD-1', iso(-3_600_000), { workEmail: 'order@example.com', department: 'Sales' });
    const personId = hired.body.events[0].personId as string;
    await send('employee.terminated', 'ORD-1', iso(-1_000));

    // Act: the sender's late retry of the hour-old hire, then a stale update, then a real rehire
    const lateHire = await send('employee.hired', 'ORD-1', iso(-3_600_000), { workEmail: 'order@example.com', department: 'Sales' });
    const staleUpdate = await send('employee.updated', 'ORD-1', iso(-1_800_000), { department: 'Research' });
    const afterLate = await user(personId);
    const rehire = await send('employee.rehired', 'ORD-1', iso(0), { department: 'Support' });
    const afterRehire = await user(personId);
    const chain = await perimeter.stores.ledger.chain(`person#${personId}`);

    // Assess
    expect(lateHire.body.events[0]).toMatchObject({ outcome: 'stale', personId });
    expect(staleUpdate.body.events[0]).toMatchObject({ outcome: 'stale', personId });
    expect(afterLate).toMatchObject({ active: false, [ENTERPRISE]: { department: 'Sales' } });
    expect(rehire.body.events[0]).toMatchObject({ outcome: 'applied', kind: 'rehire' });
    expect(afterRehire).toMatchObject({ active: true, [ENTERPRISE]: { department: 'Support' } });
    expect(chain.filter((e) => e.type === 'hr.event-stale').map((e) => [e.outcome, e.detail?.kind])).toEqual([
      ['skipped', 'hire'],
      ['skipped', 'update'],
    ]);
  });

  it('applies a redelivered event of the same time again harmlessly (not stale)', async () => {
    const at = iso(-5_000);
    const first = await send('employee.hired', 'ORD-2', at, { workEmail: 'again@example.com', title: 'Analyst' });
    const again = await send('employee.hired', 'ORD-2', at, { workEmail: 'again@example.com', title: 'Analyst' });
    expect(first.body.events[0].outcome).toBe('applied');
    expect(again.body.events[0]).toMatchObject({ outcome: 'applied', personId: first.body.events[0].personId });
  });
});
