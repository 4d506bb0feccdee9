import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { type ScimAppPerimeter, startScimAppPerimeter } from '../support/startScimAppPerimeter.js';
import type { TestPerimeter } from '../support/startTestPerimeter.js';

const TOKEN = 'folding-app-token';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Issue 10's "a folding fake app never hands one person's account to another", end to end: people
 * come in over Perimeter's SCIM API, the real planner, queue and StepExecutor run the real SCIM
 * connector against an app whose directory folds names (accent- and case-insensitive), so "rené"
 * collides with "rene" there while Perimeter tells the two people apart.
 */
describe('account links against a folding SCIM app (real fan-out over HTTP)', () => {
  const app = new FakeScimApi({ folding: true });
  let perimeter: TestPerimeter;
  let started: ScimAppPerimeter;

  beforeAll(async () => {
    started = await startScimAppPerimeter(app, TOKEN, { leaver: { default: { actions: ['disable'] } } });
    perimeter = started.perimeter;
  });
  afterAll(async () => {
    await started.stop();
  });

  const suffix = (): string => Math.random().toString(36).slice(2, 8);
  const join = async (userName: string): Promise<string> => {
    const created = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], userName, active: true } });
    expect(created.status).toBe(201);
    await perimeter.queue.drained();
    return String(created.body.id);
  };
  const leave = async (personId: string): Promise<void> => {
    const patched = await perimeter.scim(`/Users/${personId}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(patched.status).toBe(200);
    await perimeter.queue.drained();
  };
  const appUser = async (personId: string): Promise<Record<string, unknown> | undefined> => {
    const accountId = (await perimeter.stores.access.getActual(personId, 'wiki'))?.accountId;
    return accountId === undefined ? undefined : app.user(accountId);
  };
  const deadLetterOf = async (personId: string): Promise<string | undefined> => {
    const { letters } = await perimeter.stores.steps.listDeadLetters(100);
    return letters.find((letter) => letter.step.personId === personId)?.error;
  };

  it("never gives a look-alike the real person's account, and deactivating the look-alike leaves it active", async () => {
    // Prepare
    const name = suffix();
    const real = await join(`rene.${name}@example.com`);
    const account = await appUser(real);
    const calls = app.mutationsOf(String(account?.id)).length;

    // Act
    const lookAlike = await join(`René.${name}@example.com`);
    const refused = await deadLetterOf(lookAlike);
    await leave(lookAlike);

    // Assess
    expect(account?.active).toBe(true);
    expect(refused).toBe(`account-conflict: wiki: account ${String(account?.id)} is linked to person ${real}, not to person ${lookAlike}; the account was not touched`);
    expect(refused).not.toContain(name);
    expect(await perimeter.stores.access.getActual(lookAlike, 'wiki')).toBeUndefined();
    expect(app.mutationsOf(String(account?.id))).toHaveLength(calls);
    expect(app.user(String(account?.id))?.active).toBe(true);
    expect(app.allUsers().filter((user) => String(user.userName).endsWith(`${name}@example.com`))).toHaveLength(1);
    const outcomes = (await perimeter.stores.ledger.forPerson(lookAlike)).filter((event) => event.type.startsWith('step.'));
    expect(outcomes.map((event) => [event.type, event.outcome])).toEqual(
      expect.arrayContaining([['step.createAccount', 'dead-lettered']]),
    );
    expect(outcomes.find((event) => event.type === 'step.createAccount')?.detail).toMatchObject({ failure: 'account-conflict' });
  });

  it("never re-enables a leaver's disabled account for the leaver's look-alike", async () => {
    // Prepare
    const name = suffix();
    const leaver = await join(`zoe.${name}@example.com`);
    await leave(leaver);
    const account = await appUser(leaver);
    const calls = app.mutationsOf(String(account?.id)).length;

    // Act
    const lookAlike = await join(`ZOË.${name}@example.com`);

    // Assess
    expect(account?.active).toBe(false);
    expect(await deadLetterOf(lookAlike)).toMatch(/^account-conflict: wiki: account \S+ is linked to person /);
    expect(app.mutationsOf(String(account?.id))).toHaveLength(calls);
    expect(app.user(String(account?.id))?.active).toBe(false);
    expect(await perimeter.stores.access.getActual(leaver, 'wiki')).toMatchObject({ status: 'disabled', accountId: account?.id });
  });

  it("never links an account made in the app by hand to a look-alike of its name", async () => {
    // Prepare: an account the app holds that no Perimeter person is linked to.
    const name = suffix();
    const made = await fetch(`${app.scimBaseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: `noel.${name}@example.com`, active: true }),
    });
    const byHand = String(((await made.json()) as { id: string }).id);

    // Act
    const lookAlike = await join(`Noël.${name}@example.com`);
    await leave(lookAlike);

    // Assess
    expect(await deadLetterOf(lookAlike)).toBe(
      `account-conflict: wiki: the app answered "already exists" with account ${byHand}, which is not the person's by the connector's correlation attribute (the app folds identifiers Perimeter tells apart); the account was not touched`,
    );
    expect(app.mutationsOf(byHand)).toHaveLength(0);
    expect(app.user(byHand)?.active).toBe(true);
    expect(await perimeter.stores.access.accountHolder('wiki', byHand)).toBeUndefined();
  });

  it('reconciliation attributes an account to the person its link names, not to whoever its name suggests', async () => {
    // Prepare: the IdP renames the person; the app keeps the account's old userName.
    const name = suffix();
    const person = await join(`olga.${name}@example.com`);
    const accountId = String((await appUser(person))?.id);
    const renamed = await perimeter.scim(`/Users/${person}`, {
      method: 'PATCH',
      body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'userName', value: `olga.smith.${name}@example.com` }] },
    });
    expect(renamed.status).toBe(200);
    await perimeter.queue.drained();

    // Act
    const reconciled = await perimeter.admin('/reconcile', { method: 'POST', body: { app: 'wiki' } });

    // Assess
    expect(reconciled.status).toBe(200);
    const orphans = (reconciled.body.reports[0].orphans as { accountId: string }[]).map((orphan) => orphan.accountId);
    expect(app.user(accountId)?.userName).toBe(`olga.${name}@example.com`);
    expect(orphans).not.toContain(accountId);
  });
});
