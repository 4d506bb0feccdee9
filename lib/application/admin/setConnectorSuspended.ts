import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { StepExecutor } from '../../fanout/StepExecutor.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { StepStore } from '../../ports/StepStore.js';
import type { AdminRequest } from '../AdminRequest.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requireConnector } from './requireConnector.js';

export interface SuspendConnectorDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly steps: Pick<StepStore, 'setSuspended'>;
  readonly executor: Pick<StepExecutor, 'invalidateSuspensions'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}

/**
 * Suspends or resumes one app: while suspended its steps wait on the queue (kill-switch steps still
 * run). Workers in this process see it at once, others within the executor's one-second cache.
 */
export async function setConnectorSuspended(
  deps: SuspendConnectorDependencies,
  input: { readonly id: string; readonly suspended: boolean },
  request: AdminRequest,
): Promise<{ readonly id: string; readonly suspended: boolean }> {
  const { id, suspended } = input;
  requireConnector(deps.connectors, id);
  const now = deps.now?.() ?? new Date();
  await deps.steps.setSuspended(id, suspended, request.actor, now.toISOString());
  deps.executor.invalidateSuspensions();
  await recordAdminAction(deps.ledger, request, { chain: `connector#${id}`, type: suspended ? 'connector.suspended' : 'connector.resumed', app: id }, now);
  return { id, suspended };
}
