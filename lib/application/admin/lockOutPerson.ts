import type { Plan } from '../../domain/PlanStep.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { Planner } from '../../plan/Planner.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requirePerson } from './requirePerson.js';

export interface LockoutDependencies {
  readonly directory: Pick<DirectoryStore, 'getUser'>;
  readonly planner: Pick<Planner, 'lockout' | 'unlock' | 'planEvent'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}

/** The kill switch: lock the person and end their sessions and accounts everywhere, ahead of queued work. */
export async function lockOutPerson(deps: LockoutDependencies, personId: string, request: AdminRequest): Promise<{ personId: string; locked: true; plan: Plan }> {
  const person = await requirePerson(deps.directory, personId);
  const plan = await deps.planner.lockout(person, request.requestId);
  await recordAdminAction(deps.ledger, request, {
    chain: `person#${person.id}`,
    type: 'admin.lockout',
    personId: person.id,
    detail: { steps: plan.steps.length, notes: plan.notes },
  });
  return { personId: person.id, locked: true, plan };
}
