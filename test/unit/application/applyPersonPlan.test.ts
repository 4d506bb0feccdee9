import { beforeEach, describe, expect, it } from 'vitest';
import { applyPersonPlan } from '../../../lib/application/admin/applyPersonPlan.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { PersonSnapshot } from '../../../lib/domain/PersonSnapshot.js';
import type { Plan, PlanStep } from '../../../lib/domain/PlanStep.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const admin = { actor: 'ops', requestId: 'r1', operation: 'POST /admin/persons/p1/apply' };
const jane: UserRecord = { id: 'p1', userName: 'jane@example.com', active: true, version: 1, created: '', lastModified: '', attributes: {} };

describe('applyPersonPlan', () => {
  let ledgerStore: InMemoryLedgerStore;
  let calls: string[];
  let planned: Plan | undefined;
  const deps = () => ({
    directory: { getUser: async (id: string) => (id === jane.id ? jane : undefined) },
    connectors: { get: (id: string) => (id === 'crm' ? ({} as never) : undefined) },
    planner: {
      converge: async (person: PersonSnapshot, runId: string, options: { readonly app?: string } = {}): Promise<Plan | undefined> => {
        calls.push(`converge ${person.id} ${runId} ${options.app ?? 'all'}`);
        return planned;
      },
    },
    ledger: new Ledger(ledgerStore, () => new Date('2026-03-01T00:00:00.000Z')),
  });

  beforeEach(() => {
    ledgerStore = new InMemoryLedgerStore();
    calls = [];
    const step = { app: 'crm', action: 'createAccount', personId: 'p1' } as unknown as PlanStep;
    planned = { personId: 'p1', eventId: 'converge:r1:p1', steps: [step], notes: ['chat: cannot revoke sessions'] };
  });

  it('converges the person with the request id as the run, answers the steps and records them on the person', async () => {
    // Act
    const result = await applyPersonPlan(deps(), { personId: 'p1', app: 'crm' }, admin);

    // Assess
    expect(calls).toEqual(['converge p1 r1 crm']);
    expect(result).toEqual({ personId: 'p1', eventId: 'converge:r1:p1', steps: planned?.steps, notes: ['chat: cannot revoke sessions'] });
    expect(await ledgerStore.chain('person#p1')).toMatchObject([
      { eventId: 'admin.plan-applied:r1', type: 'admin.plan-applied', app: 'crm', personId: 'p1', detail: { eventId: 'converge:r1:p1', steps: 1 }, source: { actor: 'ops', channel: 'admin' } },
    ]);
  });

  it('answers no steps for a request whose run was already planned (a retry)', async () => {
    // Prepare
    planned = undefined;

    // Act
    const result = await applyPersonPlan(deps(), { personId: 'p1' }, admin);

    // Assess
    expect(calls).toEqual(['converge p1 r1 all']);
    expect(result).toEqual({ personId: 'p1', eventId: 'converge:r1:p1', steps: [], notes: [] });
    expect((await ledgerStore.chain('person#p1'))[0]?.detail).toMatchObject({ steps: 0 });
  });

  it.each([
    ['an unknown person', { personId: 'nobody' }],
    ['an unknown app', { personId: 'p1', app: 'nope' }],
  ])('refuses %s as notFound, planning and recording nothing', async (_name, input) => {
    // Act
    const outcome = applyPersonPlan(deps(), input, admin);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(OperationError);
    await expect(outcome).rejects.toMatchObject({ kind: 'notFound' });
    expect(calls).toEqual([]);
    expect(await ledgerStore.chain('person#p1')).toEqual([]);
  });
});
