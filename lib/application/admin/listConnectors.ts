import type { CredentialRotation, CredentialStatus } from '../../credentials/CredentialRotation.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AppCapabilities } from '../../plan/computePlan.js';
import type { ImportMode } from '../../domain/ConnectorImport.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { StepStore } from '../../ports/StepStore.js';

export interface ConnectorOverview {
  readonly id: string;
  readonly type: string | undefined;
  readonly capabilities: AppCapabilities | undefined;
  readonly suspended: boolean;
  /** `importing` until the app's existing accounts are imported and approved; `active` otherwise. */
  readonly mode: ImportMode | { readonly state: 'active'; readonly reason: 'predates import mode'; readonly since: null };
  readonly credential?: CredentialStatus;
  readonly rotation?: { readonly intervalHours: number };
}

export interface ListConnectorsDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'ids' | 'get'>;
  readonly steps: Pick<StepStore, 'listSuspended'>;
  readonly rotation: Pick<CredentialRotation, 'status'>;
  readonly imports: Pick<ImportStore, 'get'>;
}

/**
 * Every configured connector: what it can do, whether it is suspended or importing, and its
 * credential's state (never its value).
 */
export async function listConnectors(deps: ListConnectorsDependencies): Promise<{ readonly connectors: ConnectorOverview[] }> {
  const suspended = new Set(await deps.steps.listSuspended());
  const connectors = await Promise.all(
    deps.connectors.ids().map(async (id) => {
      const runtime = deps.connectors.get(id);
      const secret = runtime?.config.credential?.secret;
      // An app never noticed as new (it predates import mode) is active; `since` is unknown then.
      const mode = (await deps.imports.get(id))?.mode ?? { state: 'active' as const, reason: 'predates import mode' as const, since: null };
      return {
        id,
        type: runtime?.config.type,
        capabilities: runtime?.capabilities,
        suspended: suspended.has(id),
        mode,
        ...(secret ? { credential: await deps.rotation.status(secret) } : {}),
        ...(runtime?.config.rotation ? { rotation: runtime.config.rotation } : {}),
      };
    }),
  );
  return { connectors };
}
