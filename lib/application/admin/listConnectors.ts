import type { CredentialRotation, CredentialStatus } from '../../credentials/CredentialRotation.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AppCapabilities } from '../../plan/computePlan.js';
import type { StepStore } from '../../ports/StepStore.js';

export interface ConnectorOverview {
  readonly id: string;
  readonly type: string | undefined;
  readonly capabilities: AppCapabilities | undefined;
  readonly suspended: boolean;
  readonly credential?: CredentialStatus;
  readonly rotation?: { readonly intervalHours: number };
}

export interface ListConnectorsDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'ids' | 'get'>;
  readonly steps: Pick<StepStore, 'listSuspended'>;
  readonly rotation: Pick<CredentialRotation, 'status'>;
}

/** Every configured connector: what it can do, whether it is suspended, and its credential's state (never its value). */
export async function listConnectors(deps: ListConnectorsDependencies): Promise<{ readonly connectors: ConnectorOverview[] }> {
  const suspended = new Set(await deps.steps.listSuspended());
  const connectors = await Promise.all(
    deps.connectors.ids().map(async (id) => {
      const runtime = deps.connectors.get(id);
      const secret = runtime?.config.credential?.secret;
      return {
        id,
        type: runtime?.config.type,
        capabilities: runtime?.capabilities,
        suspended: suspended.has(id),
        ...(secret ? { credential: await deps.rotation.status(secret) } : {}),
        ...(runtime?.config.rotation ? { rotation: runtime.config.rotation } : {}),
      };
    }),
  );
  return { connectors };
}
