import type { Plan } from '../../domain/PlanStep.js';
import type { AdminRequest } from '../AdminRequest.js';
import type { LockoutDependencies } from './lockOutPerson.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requirePerson } from './requirePerson.js';

/** Lifts the kill switch and re-plans the person as if they had just changed, so policy grants their access again. */
export async function unlockPerson(
  deps: LockoutDependencies,
  personId: string,
  request: AdminRequest,
): Promise<{ personId: string; locked: false; plan: Plan | undefined }> {
  const person = await requirePerson(deps.directory, personId);
  await deps.planner.unlock(person.id);
  const plan = await deps.planner.planEvent({
    eventId: `unlock:${request.requestId}`,
    kind: 'mover',
    personId: person.id,
    occurredAt: (deps.now?.() ?? new Date()).toISOString(),
    source: { channel: 'admin', actor: request.actor, requestId: request.requestId },
    before: person,
    after: person,
    changes: [],
  });
  await recordAdminAction(deps.ledger, request, { chain: `person#${person.id}`, type: 'admin.unlock', personId: person.id });
  return { personId: person.id, locked: false, plan };
}
