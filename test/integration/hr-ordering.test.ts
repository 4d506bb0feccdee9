import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { sendStandardWebhook, type WebhookReply } from '../support/sendStandardWebhook.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const SECRET = `whsec_${Buffer.from('standard-webhooks-ordering-secret').toString('base64')}`;
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * The latest truth wins, and each source owns its attributes: concurrent SCIM and HR writers, HR
 * events arriving late or twice, and the IdP and HR feeding the same person.
 */
describe('HR events racing SCIM and each other', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    const config = parsePerimeterConfig({ webhooks: { standard: { secret: 'hr/standard' } } }, 'test');
    perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ 'hr/standard': SECRET }) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const send = (type: string, employeeId: string, timestamp: string, attributes: Record<string, string> = {}, effectiveAt?: string): Promise<WebhookReply> =>
    sendStandardWebhook(perimeter.url, SECRET, { type, employeeId, timestamp, attributes, ...(effectiveAt ? { effectiveAt } : {}) });
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

  const patch = (id: string, operations: unknown[]): Promise<{ status: number; body: any }> =>
    perimeter.scim(`/Users/${id}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: operations } });
  const withheld = async (personId: string): Promise<unknown[]> =>
    (await perimeter.stores.ledger.chain(`person#${personId}`)).filter((e) => e.type === 'person.change-withheld').map((e) => e.detail);

  /** An IdP-provisioned person whom the HR system then also feeds (matched by work email). */
  const fedByBoth = async (n: string): Promise<string> => {
    const created = await perimeter.scim('/Users', {
      method: 'POST',
      body: { schemas: [USER], userName: `both-${n}@example.com`, emails: [{ value: `both-${n}@example.com`, type: 'work', primary: true }], title: 'IdP title' },
    });
    expect(created.status).toBe(201);
    const hr = await send('employee.updated', `B-${n}`, iso(-60_000), { workEmail: `both-${n}@example.com`, title: 'Engineer', department: 'Platform' });
    expect(hr.body.events[0]).toMatchObject({ outcome: 'applied', personId: created.body.id });
    return created.body.id as string;
  };

  it('takes HR-owned attributes from HR and IdP-owned ones from the IdP, recording what each may not change', async () => {
    // Prepare
    const id = await fedByBoth('1');

    // Act: the IdP changes a title (HR's) and a display name (nobody's); HR changes a work email (the IdP's)
    const idp = await patch(id, [
      { op: 'replace', path: 'title', value: 'Chief of Everything' },
      { op: 'replace', path: 'displayName', value: 'Both One' },
    ]);
    await send('employee.updated', 'B-1', iso(0), { workEmail: 'someone-else@example.com', title: 'Staff Engineer' });
    const after = await user(id);

    // Assess
    expect(idp.status).toBe(200);
    expect(idp.body).toMatchObject({ title: 'Engineer', displayName: 'Both One' });
    expect(after).toMatchObject({ title: 'Staff Engineer', displayName: 'Both One', [ENTERPRISE]: { department: 'Platform' } });
    expect(after.emails.map((e: { value: string }) => e.value)).toEqual(['both-1@example.com']);
    expect(await withheld(id)).toEqual([
      { source: 'idp', owner: 'hr', attributes: ['title'] },
      { source: 'hr:standard', owner: 'idp', attributes: ['emails'] },
    ]);
  });

  it('lets the IdP deactivate an HR-fed person at once, but not reactivate one HR terminated; only a newer HR rehire does', async () => {
    // Prepare
    const a = await fedByBoth('2');
    const b = await fedByBoth('3');

    // Act: the IdP disables A (and re-enables A: its own deactivation); HR terminates B, then the IdP tries to re-enable B
    const disabled = await patch(a, [{ op: 'replace', path: 'active', value: false }]);
    const reenabled = await patch(a, [{ op: 'replace', path: 'active', value: true }]);
    await send('employee.terminated', 'B-3', iso(-30_000));
    const revived = await patch(b, [{ op: 'replace', path: 'active', value: true }]);
    const staleHire = await send('employee.hired', 'B-3', iso(-45_000), { workEmail: 'both-3@example.com' });
    const afterStale = await user(b);
    const rehired = await send('employee.rehired', 'B-3', iso(0));

    // Assess
    expect(disabled.body.active).toBe(false);
    expect(reenabled.body.active).toBe(true);
    expect(revived.status).toBe(200);
    expect(revived.body.active).toBe(false);
    expect(await withheld(b)).toEqual([{ source: 'idp', owner: 'hr', attributes: ['employmentStatus'] }]);
    expect(staleHire.body.events[0].outcome).toBe('stale');
    expect(afterStale.active).toBe(false);
    expect(rehired.body.events[0].outcome).toBe('applied');
    expect((await user(b)).active).toBe(true);
  });

  it('keeps the newest of two HR events that race, whichever lands first (20 pairs)', async () => {
    // Prepare
    const ids = await Promise.all(Array.from({ length: 20 }, async (_, n) => (await send('employee.hired', `O-${n}`, iso(-60_000), { workEmail: `order-${n}@example.com` })).body.events[0].personId as string));

    // Act: per person, an older and a newer update sent together, alternating which is sent first
    const replies = await Promise.all(
      ids.map((_, n) => {
        const older = (): Promise<WebhookReply> => send('employee.updated', `O-${n}`, iso(-20_000), { title: 'Older' });
        const newer = (): Promise<WebhookReply> => send('employee.updated', `O-${n}`, iso(-10_000), { title: 'Newer' });
        return Promise.all(n % 2 === 0 ? [older(), newer()] : [newer(), older()]);
      }),
    );
    const titles = await Promise.all(ids.map(async (id) => (await user(id)).title));

    // Assess
    expect(replies.flat().every((reply) => reply.status === 202)).toBe(true);
    expect(titles).toEqual(ids.map(() => 'Newer'));
  });

  it('ends a date-only termination at the end of that day in the person\'s time zone', async () => {
    // Prepare
    const hired = await send('employee.hired', 'TZ-1', iso(-60_000), { workEmail: 'tokyo@example.com', timezone: 'Asia/Tokyo' });
    const unzoned = await send('employee.hired', 'TZ-2', iso(-60_000), { workEmail: 'nowhere@example.com' });

    // Act
    const tokyo = await send('employee.terminated', 'TZ-1', iso(0), {}, '2099-03-31');
    const utc = await send('employee.terminated', 'TZ-2', iso(0), {}, '2099-03-31');

    // Assess: midnight after 31 March in Tokyo is 15:00 UTC on the 31st; without a zone, UTC midnight
    expect(hired.body.events[0].outcome).toBe('applied');
    expect(unzoned.body.events[0].outcome).toBe('applied');
    expect(tokyo.body.events[0]).toMatchObject({ outcome: 'scheduled', runAt: '2099-03-31T15:00:00.000Z' });
    expect(utc.body.events[0]).toMatchObject({ outcome: 'scheduled', runAt: '2099-04-01T00:00:00.000Z' });
    expect((await user(hired.body.events[0].personId)).timezone).toBe('Asia/Tokyo');
  });
});
