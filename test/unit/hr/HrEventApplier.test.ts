import { describe, expect, it, vi } from 'vitest';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import { HrEventApplier, terminationJobId } from '../../../lib/hr/HrEventApplier.js';
import { HrEventError } from '../../../lib/hr/HrEventError.js';
import type { ScheduledJob } from '../../../lib/ports/Scheduler.js';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import type { HrEvent } from '../../../lib/domain/HrEvent.js';
import { rejection } from '../../support/rejection.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const ADA: UserRecord = {
  id: 'user-ada',
  userName: 'ada@example.com',
  active: true,
  version: 1,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: '2026-01-01T00:00:00.000Z',
  attributes: { userName: 'ada@example.com', active: true },
};

const hire = (attributes: HrEvent['attributes'], employeeId = 'E-1'): HrEvent => ({ source: 'standard', messageId: 'msg-1', kind: 'hire', employeeId, attributes });

/** The applier over recording fakes: a directory holding `people`, a scheduler holding `jobs`. */
function setup(people: UserRecord[] = [], jobs: ScheduledJob[] = []) {
  const directoryWrites = {
    create: vi.fn(async (): Promise<UserRecord> => ({ ...ADA, id: 'user-new' })),
    update: vi.fn(async (id: string) => ({ outcome: 'written', user: { ...ADA, id, version: 2 }, groups: [], withheld: [] })),
  };
  const directory = {
    findIdsByExternalId: vi.fn(async () => []),
    getUser: vi.fn(async (id: string) => people.find((person) => person.id === id)),
    findUserByUserName: vi.fn(async (userName: string) => people.find((person) => person.userName === userName)),
    listUsers: vi.fn(async () => people),
    // The index is not complete yet: lookups read every user (see the match-index tests for the index).
    hasMatchIndex: vi.fn(async () => false),
  };
  const scheduler = {
    get: vi.fn(async (id: string) => jobs.find((job) => job.id === id)),
    schedule: vi.fn(async () => undefined),
    cancel: vi.fn(async () => undefined),
  };
  const ledger = { append: vi.fn(async () => undefined) };
  const applier = new HrEventApplier({ people: directoryWrites, directory, scheduler, ledger } as never);
  return { applier, directoryWrites, scheduler, ledger, directory };
}

const refusal = (promise: Promise<unknown>): Promise<HrEventError> => rejection(promise, HrEventError);

describe('HrEventApplier', () => {
  it('refuses a hire whose work email cannot be a userName as invalid, before writing anything', async () => {
    // Prepare: a pending termination a hire would cancel
    const event = hire({ workEmail: `${'x'.repeat(300)}@example.com` });
    const { applier, directoryWrites, scheduler, ledger } = setup([], [{ id: terminationJobId(event), runAt: '2099-01-01T00:00:00.000Z', work: { kind: 'hr-event', event } }]);

    // Act
    const error = await refusal(applier.apply(event));

    // Assess
    expect(error.reason).toBe('invalid');
    expect(error.message).toMatch(/userName/);
    expect(error.cause).toBeDefined();
    expect(directoryWrites.create).not.toHaveBeenCalled();
    expect(scheduler.cancel).not.toHaveBeenCalled();
    expect(ledger.append).not.toHaveBeenCalled();
  });

  it('refuses an update that would make the person too large to store, before writing anything', async () => {
    // Prepare
    const { applier, directoryWrites } = setup([ADA]);

    // Act
    const error = await refusal(applier.apply({ ...hire({ workEmail: 'ada@example.com', title: 'x'.repeat(150_000) }), kind: 'update' }));

    // Assess
    expect(error.reason).toBe('invalid');
    expect(directoryWrites.update).not.toHaveBeenCalled();
  });

  it('checks an event without writing: the same refusal, and nothing for one it would apply', async () => {
    // Prepare
    const { applier, directoryWrites, scheduler, ledger } = setup([ADA]);

    // Act
    const refused = await refusal(applier.check([hire({ workEmail: `${'x'.repeat(300)}@example.com` }, 'E-9')]));
    await applier.check([hire({ workEmail: 'ada@example.com', title: 'Engineer' })]);
    await applier.check([{ ...hire({}), kind: 'terminate', effectiveAt: '2099-01-01T00:00:00.000Z' }]);

    // Assess
    expect(refused.reason).toBe('invalid');
    expect([directoryWrites.create, directoryWrites.update, scheduler.schedule, scheduler.cancel, ledger.append].map((fn) => fn.mock.calls.length)).toEqual([0, 0, 0, 0, 0]);
  });

  it('checks each event of a batch on top of the ones before it: two halves that each fit refuse the batch when together they do not', async () => {
    // Prepare: each event's title fills about 60% of what a person may hold; the second adds a note of the same size
    const { applier, directoryWrites } = setup([ADA]);
    const half = 'x'.repeat(60 * 1024);
    const first = hire({ workEmail: 'ada@example.com', title: half });
    const second = { ...hire({ workEmail: 'ada@example.com', department: half }), messageId: 'm-2' };
    const newcomer = hire({ workEmail: 'new@example.com', title: half }, 'E-77');
    const newcomerAgain = { ...hire({ workEmail: 'new@example.com', department: half }, 'E-77'), messageId: 'm-3' };

    // Act
    await applier.check([first]);
    await applier.check([second]);
    const together = await refusal(applier.check([first, second]));
    const created = await refusal(applier.check([newcomer, newcomerAgain]));

    // Assess
    expect([together.reason, created.reason]).toEqual(['invalid', 'invalid']);
    expect(together.message).toContain('too large to store');
    expect([directoryWrites.create, directoryWrites.update].map((fn) => fn.mock.calls.length)).toEqual([0, 0]);
  });

  it('reports a userName taken meanwhile as a conflict, not as a store failure', async () => {
    // Prepare
    const { applier, directoryWrites } = setup();
    directoryWrites.create.mockRejectedValueOnce(new DirectoryError('uniqueness', 'userName is already in use'));

    // Act
    const error = await refusal(applier.apply(hire({ workEmail: 'grace@example.com' }, 'E-2')));

    // Assess
    expect(error.reason).toBe('conflict');
  });

  it('lets a store failure through as it is', async () => {
    // Prepare
    const { applier, directoryWrites } = setup();
    const outage = new Error('engine down');
    directoryWrites.create.mockRejectedValueOnce(outage);

    // Act
    const error = await applier.apply(hire({ workEmail: 'grace@example.com' }, 'E-2')).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBe(outage);
  });

  it('cancels a pending termination once the rehire is written', async () => {
    // Prepare
    const event = { ...hire({ workEmail: 'ada@example.com' }), kind: 'rehire' } as const;
    const job: ScheduledJob = { id: terminationJobId(event), runAt: '2099-01-01T00:00:00.000Z', work: { kind: 'hr-event', event } };
    const { applier, directoryWrites, scheduler, ledger } = setup([ADA], [job]);

    // Act
    const outcome = await applier.apply(event);

    // Assess
    expect(outcome).toEqual({ outcome: 'applied', personId: ADA.id, kind: 'rehire' });
    expect(directoryWrites.update.mock.invocationCallOrder[0]).toBeLessThan(scheduler.cancel.mock.invocationCallOrder[0] ?? 0);
    expect(ledger.append).toHaveBeenCalledWith(expect.objectContaining({ type: 'hr.termination-cancelled', personId: ADA.id }));
  });

  it('looks a person up through the match-key index once it is complete, never reading every user', async () => {
    // Prepare: Ada is known by her employee number only; the index also names a user who lost it.
    const ada = { ...ADA, attributes: { ...ADA.attributes, [ENTERPRISE]: { employeeNumber: 'N-7' } } };
    const stale = { ...ADA, id: 'user-aaa', userName: 'old@example.com', attributes: { userName: 'old@example.com' } };
    const { applier, directoryWrites, directory } = setup([ada, stale]);
    directory.hasMatchIndex.mockResolvedValue(true);
    const findUserIdsByMatchKey = vi.fn(async (key: string) => (key === 'EMPNO#N-7' ? ['user-aaa', 'user-ada'] : []));
    const getUsers = vi.fn(async (ids: readonly string[]) => [ada, stale].filter((user) => ids.includes(user.id)));
    Object.assign(directory, { findUserIdsByMatchKey, getUsers });

    // Act
    const outcome = await applier.apply(hire({ employeeNumber: 'N-7', workEmail: 'someone@example.com' }, 'hr-77'));

    // Assess
    expect(outcome).toMatchObject({ personId: ADA.id });
    expect(findUserIdsByMatchKey).toHaveBeenCalledWith('EMPNO#N-7');
    expect(directory.listUsers).not.toHaveBeenCalled();
    expect(directoryWrites.create).not.toHaveBeenCalled();
  });
});
