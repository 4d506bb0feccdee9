import { isAccountLister } from '../../connector-sdk/Connector.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Reconciler } from '../../reconcile/Reconciler.js';
import type { ReconciliationReport } from '../../reconcile/ReconciliationReport.js';
import { OperationError } from '../OperationError.js';
import { requireConnector } from './requireConnector.js';

export interface ReconcileDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly reconciler: Pick<Reconciler, 'reconcile' | 'reconcileAll'>;
}

/** Compares one app (or every app that can list its accounts) with the directory; with `fix`, plans the corrections. */
export async function reconcileApps(deps: ReconcileDependencies, input: { readonly app?: string; readonly fix: boolean }): Promise<{ readonly reports: ReconciliationReport[] }> {
  if (input.app === undefined) return { reports: await deps.reconciler.reconcileAll(input.fix) };
  if (!isAccountLister(requireConnector(deps.connectors, input.app).connector)) {
    throw new OperationError('invalid', `Connector "${input.app}" cannot list accounts, so it cannot be reconciled`);
  }
  return { reports: [await deps.reconciler.reconcile(input.app, input.fix)] };
}
