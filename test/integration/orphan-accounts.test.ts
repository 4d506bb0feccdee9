import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { type ScimAppPerimeter, startScimAppPerimeter } from '../support/startScimAppPerimeter.js';
import type { TestPerimeter } from '../support/startTestPerimeter.js';

const TOKEN = 'email-keyed-app-token';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Issue 11 item 4, end to end: a SCIM app keyed by email holds an account no person has (made in
 * the app by hand, with a userName and no emails). Reconciliation's fix disabled it through a
 * subject with no email, which the connector needs to find an account by: the step dead-lettered
 * with "the person has no email, which this app uses as userName". The step now names the account.
 */
describe('orphan accounts in an app keyed by email (reconcile with fix over HTTP)', () => {
  const app = new FakeScimApi();
  let perimeter: TestPerimeter;
  let started: ScimAppPerimeter;

  beforeAll(async () => {
    started = await startScimAppPerimeter(app, TOKEN, { settings: { userNameAttribute: 'email' } });
    perimeter = started.perimeter;
  });
  afterAll(async () => {
    await started.stop();
  });

  const suffix = (): string => Math.random().toString(36).slice(2, 8);

  it('disables the account nobody holds, by its id: nothing dead-letters and no other account is touched', async () => {
    // Prepare: a person whose account Perimeter made, and an account made in the app by hand.
    const name = suffix();
    const joined = await perimeter.scim('/Users', {
      method: 'POST',
      body: { schemas: [USER], userName: `jo.${name}`, emails: [{ value: `jo.${name}@example.com`, primary: true }], active: true },
    });
    expect(joined.status).toBe(201);
    await perimeter.queue.drained();
    const personId = String(joined.body.id);
    const mine = String((await perimeter.stores.access.getActual(personId, 'wiki'))?.accountId);
    const made = await fetch(`${app.scimBaseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: `stray.${name}@example.com`, active: true }),
    });
    expect(made.status).toBe(201);
    const stray = String(((await made.json()) as { id: string }).id);
    const mineBefore = app.mutationsOf(mine).length;

    // Act
    const reconciled = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'wiki', fix: true } });
    await perimeter.queue.drained();
    const again = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'wiki' } });

    // Assess
    expect(reconciled.status).toBe(200);
    const [report] = reconciled.body.reports;
    expect(report.orphans).toEqual([{ accountId: stray, userName: `stray.${name}@example.com`, reason: 'no matching person' }]);
    expect(report.stepsQueued).toBe(1);
    expect(app.user(stray)?.active).toBe(false);
    expect((await perimeter.stores.steps.listDeadLetters(100)).letters).toEqual([]);
    expect(app.mutationsOf(mine)).toHaveLength(mineBefore);
    expect(app.user(mine)?.active).toBe(true);
    expect(app.allUsers().filter((user) => user.active === false).map((user) => user.id)).toEqual([stray]);
    const [outcome] = await perimeter.stores.ledger.chain(`access#orphan:wiki:${stray}#wiki`);
    expect(outcome).toMatchObject({ type: 'step.disableAccount', outcome: 'applied', app: 'wiki', detail: { accountId: stray } });
    expect(await perimeter.stores.access.accountHolder('wiki', stray)).toBeUndefined();
    expect(again.body.reports[0].orphans).toEqual([]);
  });
});
