import { DescribeSecretCommand, GetSecretValueCommand, InvalidRequestException, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RotationError } from '../../connector-sdk/RotationError.js';

export interface RequestRotationOptions {
  readonly client?: SecretsManagerClient;
  /** Wait at most this long for the new version to become current. */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

/**
 * Asks Secrets Manager to rotate a secret now and waits until AWSCURRENT moves. Secrets Manager
 * runs one rotation per secret at a time, so concurrent callers (many fan-out workers seeing the
 * same expired token) trigger one rotation and all wait for its result.
 */
export async function requestRotation(secretId: string, options: RequestRotationOptions = {}): Promise<void> {
  const client = options.client ?? new SecretsManagerClient({});
  const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!described.RotationEnabled) {
    throw new RotationError(`Rotation is not enabled for ${secretId}: give its connector "rotation": {"intervalHours": N} and deploy`);
  }
  const before = (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }))).VersionId;
  try {
    await client.send(new RotateSecretCommand({ SecretId: secretId, RotateImmediately: true }));
  } catch (error) {
    // "A previous rotation isn't complete": someone else started it; wait for that one.
    if (!(error instanceof InvalidRequestException)) throw error;
  }
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
    const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
    if (current.VersionId !== before) return;
  }
  throw new Error(`Rotation of ${secretId} did not finish within ${Math.round((options.waitMs ?? 30_000) / 1000)} s`);
}
