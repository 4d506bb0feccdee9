import { randomUUID } from 'node:crypto';
import type { VersionStage } from '../ports/SecretStore.js';
import { assertVersionId } from './assertVersionId.js';
import { canonicalStages } from './canonicalStages.js';
import { isVersionStage } from './isVersionStage.js';
import { SecretStoreError } from './SecretStoreError.js';

export interface NormalisedPut {
  readonly versionId: string;
  readonly stages: readonly VersionStage[];
}

/** Secrets Manager's limit on SecretString; the local store keeps it so a value fits both. */
export const MAX_SECRET_BYTES = 65_536;

/**
 * Validates a put the same way for every adapter and fills in the defaults: a random version id
 * (a UUID, as the SDK would generate) and AWSCURRENT. Messages never quote the value.
 */
export function normalisePutOptions(
  value: string,
  options: { clientRequestToken?: string; stages?: readonly VersionStage[] } | undefined,
): NormalisedPut {
  if (value.length === 0) throw new SecretStoreError('invalid', 'A secret value cannot be empty');
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new SecretStoreError('invalid', `A secret value is at most ${MAX_SECRET_BYTES} bytes`);
  }
  const versionId = options?.clientRequestToken ?? randomUUID();
  assertVersionId(versionId, 'clientRequestToken');
  const requested = options?.stages ?? ['AWSCURRENT'];
  if (requested.length === 0 || !requested.every((stage) => isVersionStage(stage))) {
    // A version without a stage could never be read back and would be pruned at once.
    throw new SecretStoreError('invalid', 'stages must name at least one of AWSCURRENT, AWSPENDING, AWSPREVIOUS');
  }
  return { versionId, stages: canonicalStages(requested) };
}
