import type { PlanStep } from '../../domain/PlanStep.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { Planner } from '../../plan/Planner.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requireConnector } from './requireConnector.js';
import { requirePerson } from './requirePerson.js';

export interface ApplyPersonPlanDependencies {
  readonly directory: Pick<DirectoryStore, 'getUser'>;
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly planner: Pick<Planner, 'converge'>;
  readonly ledger: Pick<Ledger, 'append'>;
}

export interface ApplyPersonPlanResult {
  readonly personId: string;
  /** The plan's event, `converge:<requestId>:<personId>`: its steps carry it. */
  readonly eventId: string;
  readonly steps: readonly PlanStep[];
  readonly notes: readonly string[];
}

/**
 * Converges one person now: the steps the dry run (`POST /admin/plan` with the person) shows,
 * planned and queued like any change. The request id is the run id, so a retried request plans
 * nothing twice, and a second request finds planned access already converged and queues nothing.
 */
export async function applyPersonPlan(
  deps: ApplyPersonPlanDependencies,
  input: { readonly personId: string; readonly app?: string },
  request: AdminRequest,
): Promise<ApplyPersonPlanResult> {
  const person = await requirePerson(deps.directory, input.personId);
  if (input.app !== undefined) requireConnector(deps.connectors, input.app);
  const eventId = `converge:${request.requestId}:${person.id}`;
  // undefined: this request's run was planned already (a retry); its steps are queued.
  const plan = (await deps.planner.converge(person, request.requestId, input.app !== undefined ? { app: input.app } : {})) ?? { eventId, steps: [], notes: [] };
  await recordAdminAction(deps.ledger, request, {
    chain: `person#${person.id}`,
    type: 'admin.plan-applied',
    personId: person.id,
    ...(input.app !== undefined ? { app: input.app } : {}),
    detail: { eventId: plan.eventId, steps: plan.steps.length, notes: plan.notes },
  });
  return { personId: person.id, eventId: plan.eventId, steps: plan.steps, notes: plan.notes };
}
