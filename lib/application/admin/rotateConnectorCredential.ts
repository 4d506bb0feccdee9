import { RotationError } from '../../connector-sdk/RotationError.js';
import type { CredentialRotation, RotationRun } from '../../credentials/CredentialRotation.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { AdminRequest } from '../AdminRequest.js';
import { OperationError } from '../OperationError.js';
import { requireConnector } from './requireConnector.js';

/** Rotates a credential now: in this process (local mode), or by asking Secrets Manager (AWS). */
export type RotateSecret = (secretName: string, actor: string) => Promise<RotationRun | 'requested'>;

export interface RotateCredentialDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly rotation: Pick<CredentialRotation, 'status'>;
  readonly rotateSecret: RotateSecret;
}

export type RotateCredentialResult =
  | { readonly id: string; readonly rotation: 'requested' }
  | { readonly id: string; readonly rotation: Pick<RotationRun, 'versionId' | 'resumed' | 'steps'> };

/** "Rotate now" for a connector's credential; refuses a credential that only a person can replace. */
export async function rotateConnectorCredential(deps: RotateCredentialDependencies, id: string, request: AdminRequest): Promise<RotateCredentialResult> {
  const secret = requireConnector(deps.connectors, id).config.credential?.secret;
  if (!secret) throw new OperationError('invalid', `Connector "${id}" has no credential to rotate`);
  const status = await deps.rotation.status(secret);
  if (!status.rotatable) {
    throw new OperationError('conflict', `The ${status.type ?? 'stored'} credential of "${id}" cannot be rotated by API; replace it with 'perimeter secrets put'`);
  }
  let result: RotationRun | 'requested';
  try {
    result = await deps.rotateSecret(secret, request.actor);
  } catch (error) {
    // The current credential keeps working; say why this rotation could not run.
    if (error instanceof RotationError) throw new OperationError('conflict', error.message, { cause: error });
    throw error;
  }
  if (result === 'requested') return { id, rotation: 'requested' };
  return { id, rotation: { versionId: result.versionId, resumed: result.resumed, steps: result.steps } };
}
