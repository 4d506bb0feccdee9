import type { VersionStage } from '../ports/SecretStore.js';
import { assertVersionId } from './assertVersionId.js';
import { isVersionStage } from './isVersionStage.js';
import { SecretStoreError } from './SecretStoreError.js';

/**
 * Rejects a stage update no store could perform, before anything is read or sent: one that moves
 * nothing, or that would leave the secret without AWSCURRENT (nothing could read it afterwards).
 */
export function assertStageUpdate(stage: VersionStage, options: { moveToVersionId?: string; removeFromVersionId?: string }): void {
  if (!isVersionStage(stage)) throw new SecretStoreError('invalid', 'stage must be AWSCURRENT, AWSPENDING or AWSPREVIOUS');
  const { moveToVersionId, removeFromVersionId } = options;
  if (moveToVersionId === undefined && removeFromVersionId === undefined) {
    throw new SecretStoreError('invalid', 'A stage update needs moveToVersionId, removeFromVersionId or both');
  }
  if (moveToVersionId !== undefined) assertVersionId(moveToVersionId, 'moveToVersionId');
  if (removeFromVersionId !== undefined) assertVersionId(removeFromVersionId, 'removeFromVersionId');
  if (stage === 'AWSCURRENT' && moveToVersionId === undefined) {
    throw new SecretStoreError('invalid', 'AWSCURRENT can only be moved to another version, not removed');
  }
}
