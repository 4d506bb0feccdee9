import { beforeEach, describe, expect, it } from 'vitest';
import { ledgerOnlyRelay } from '../../support/ledgerOnlyRelay.js';
import type { HrEvent } from '../../../lib/domain/HrEvent.js';
import { HrEventApplier, terminationJobId } from '../../../lib/hr/HrEventApplier.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { Logger } from '../../../lib/observability/Logger.js';
import { PeopleDirectory } from '../../../lib/directory/PeopleDirectory.js';
import { ScimUsers } from '../../../lib/scim/ScimUsers.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../../lib/scim/scimSchemas.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { InMemoryScheduler } from '../../fakes/InMemoryScheduler.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let messages = 0;
const hrEvent = (kind: HrEvent['kind'], employeeId: string, attributes: HrEvent['attributes'], effectiveAt?: string): HrEvent => ({
  source: 'standard',
  messageId: `msg-${++messages}`,
  kind,
  employeeId,
  attributes,
  ...(effectiveAt ? { effectiveAt } : {}),
});

/**
 * HR events applied to the in-memory directory through the real SCIM service, with the in-memory
 * scheduler and ledger: matching, creation, scheduling and cancelling as in production, no engine.
 */
describe('HrEventApplier on the in-memory directory', () => {
  let clock: number;
  let directory: InMemoryDirectoryStore;
  let scheduler: InMemoryScheduler;
  let ledgerStore: InMemoryLedgerStore;
  let users: ScimUsers;
  let applier: HrEventApplier;

  beforeEach(async () => {
    clock = T0;
    const now = (): Date => new Date(clock);
    directory = new InMemoryDirectoryStore();
    scheduler = new InMemoryScheduler();
    ledgerStore = new InMemoryLedgerStore();
    const ledger = new Ledger(ledgerStore, now);
    users = new ScimUsers({ store: directory, people: new PeopleDirectory({ store: directory, relay: ledgerOnlyRelay(directory, ledger), logger: silent, now }) });
    applier = new HrEventApplier({ people: new PeopleDirectory({ store: directory, relay: ledgerOnlyRelay(directory, ledger), logger: silent, now }), directory, scheduler, ledger, now });
    // What recovery does at start: from here on the index serves every lookup.
    await directory.backfillMatchIndex();
  });

  const history = async (personId: string): Promise<string[]> => (await ledgerStore.chain(`person#${personId}`)).map((event) => event.type);

  it('creates an HR-only person on a hire, linked to the employee, and applies the next event to them', async () => {
    // Act
    const hired = await applier.apply(hrEvent('hire', 'E-1', { workEmail: 'Ada@Example.com', givenName: 'Ada', familyName: 'Lovelace', title: 'Analyst' }));
    const updated = await applier.apply(hrEvent('update', 'E-1', { title: 'Countess' }));

    // Assess
    expect(hired).toMatchObject({ outcome: 'applied', kind: 'hire' });
    const personId = hired.outcome === 'applied' ? hired.personId : '';
    expect(updated).toEqual({ outcome: 'applied', personId, kind: 'update' });
    expect(await directory.getUser(personId)).toMatchObject({ userName: 'Ada@Example.com', externalId: 'hr:standard:E-1', active: true, attributes: { title: 'Countess' } });
    expect(await directory.listUsers()).toHaveLength(1);
    expect(await history(personId)).toEqual(['lifecycle.joiner', 'lifecycle.mover']);
  });

  it('matches a work email that differs only by width and case from an existing person, creating no one', async () => {
    // Prepare: one person found by userName, one by a secondary email only
    const ada = await users.create({ schemas: [USER_SCHEMA], userName: 'ada@example.com' }, { baseUrl: '', actor: 'okta' });
    const grace = await users.create({ schemas: [USER_SCHEMA], userName: 'ghopper', emails: [{ value: 'grace@example.com', type: 'work' }] }, { baseUrl: '', actor: 'okta' });

    // Act: fullwidth letters and upper case (the RFC 8265 width and case mappings)
    const byUserName = await applier.apply(hrEvent('hire', 'E-1', { workEmail: '\uFF21\uFF24\uFF21@EXAMPLE.com', title: 'Analyst' }));
    const byEmail = await applier.apply(hrEvent('hire', 'E-2', { workEmail: '\uFF27race@Example.COM', title: 'Admiral' }));

    // Assess
    expect(byUserName).toMatchObject({ outcome: 'applied', personId: ada.resource.id });
    expect(byEmail).toMatchObject({ outcome: 'applied', personId: grace.resource.id });
    expect(await directory.listUsers()).toHaveLength(2);
  });

  it('matches an IdP-provisioned user by employee number through the match-key index, creating no one', async () => {
    // Prepare: provisioned by the IdP, with a userName that is not the work email
    const created = await users.create(
      { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName: 'ghopper', emails: [{ value: 'grace@example.com', type: 'work' }, { value: 'g.hopper@navy.example', type: 'other' }], [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'N-1906' } },
      { baseUrl: '', actor: 'okta' },
    );

    // Act: by the number, then (the work email is HR's now) by the other email, in another case
    const byNumber = await applier.apply(hrEvent('hire', 'hr-1', { employeeNumber: 'N-1906', workEmail: 'nobody@example.com' }));
    const byEmail = await applier.apply(hrEvent('update', 'hr-2', { workEmail: 'G.Hopper@Navy.EXAMPLE', title: 'Rear Admiral' }));

    // Assess
    expect([byNumber, byEmail].map((outcome) => (outcome.outcome === 'applied' ? outcome.personId : outcome.outcome))).toEqual([created.resource.id, created.resource.id]);
    expect(await directory.listUsers()).toHaveLength(1);
    expect((await directory.getUser(String(created.resource.id)))?.userName).toBe('ghopper');
  });

  it('schedules a termination dated in the future, applies it when due, and a rehire before then cancels it', async () => {
    // Prepare
    const hired = await applier.apply(hrEvent('hire', 'E-3', { workEmail: 'alan@example.com' }));
    const personId = hired.outcome === 'applied' ? hired.personId : '';
    const lastDay = new Date(T0 + 10 * DAY).toISOString();

    // Act: the termination waits; a rehire cancels it; terminated again, it runs when due
    const scheduled = await applier.apply(hrEvent('terminate', 'E-3', {}, lastDay));
    const waiting = await scheduler.get(terminationJobId({ source: 'standard', employeeId: 'E-3' }));
    await applier.apply(hrEvent('rehire', 'E-3', { workEmail: 'alan@example.com' }));
    const afterRehire = await scheduler.get(terminationJobId({ source: 'standard', employeeId: 'E-3' }));
    await applier.apply(hrEvent('terminate', 'E-3', {}, lastDay));
    const dueTomorrow = scheduler.due(new Date(T0 + DAY));
    clock = T0 + 10 * DAY + 1;
    const due = scheduler.due(new Date(clock));
    for (const job of due) if (job.work.kind === 'hr-event') await applier.apply(job.work.event, { due: true });

    // Assess
    expect(scheduled).toEqual({ outcome: 'scheduled', jobId: 'hr-terminate-standard-E-3', runAt: lastDay, personId });
    expect(waiting?.runAt).toBe(lastDay);
    expect(afterRehire).toBeUndefined();
    expect(dueTomorrow).toEqual([]);
    expect(due.map((job) => job.id)).toEqual(['hr-terminate-standard-E-3']);
    expect((await directory.getUser(personId))?.active).toBe(false);
    expect(await history(personId)).toEqual([
      'lifecycle.joiner',
      'hr.termination-scheduled',
      'hr.termination-cancelled',
      'hr.termination-scheduled',
      'lifecycle.leaver',
    ]);
  });
});
