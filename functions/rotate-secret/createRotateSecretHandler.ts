import type { SecretsManagerRotationEvent } from 'aws-lambda';
import type { CredentialRotation } from '../../lib/credentials/CredentialRotation.js';
import { ROTATION_STEPS, type RotationStep } from '../../lib/credentials/rotateCredentialStep.js';
import type { Logger } from '../../lib/observability/Logger.js';

/** "arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf" → "<name>"; a name stays a name. */
export function secretNameOf(secretId: string): string {
  const match = /^arn:[^:]+:secretsmanager:[^:]*:\d*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
  return match?.[1] ?? secretId;
}

export type RotateSecretHandler = (event: SecretsManagerRotationEvent) => Promise<void>;

/**
 * The Secrets Manager rotation function: Secrets Manager calls it once per step with the version
 * being rotated in (ClientRequestToken) and retries a failed step. A failure is logged as
 * "Rotation step failed" — the metric the rotation alarm counts — and rethrown, so Secrets Manager
 * marks the rotation failed while AWSCURRENT keeps working.
 */
export function createRotateSecretHandler(rotation: CredentialRotation, logger: Logger): RotateSecretHandler {
  return async (event) => {
    if (!ROTATION_STEPS.includes(event.Step as RotationStep)) throw new Error(`Unknown rotation step ${event.Step}`);
    // Secrets Manager passes the ARN; the ledger and status use the secret's name, as locally.
    const secretName = secretNameOf(event.SecretId);
    try {
      const result = await rotation.step(secretName, event.ClientRequestToken, event.Step as RotationStep, 'secrets-manager');
      if (result.retireError) logger.warn('Previous credential could not be retired at the vendor', { secretId: event.SecretId, error: result.retireError });
      logger.info('Rotation step done', { secretId: event.SecretId, step: event.Step, changed: result.changed });
    } catch (error) {
      logger.error('Rotation step failed', { secretId: event.SecretId, step: event.Step, error });
      throw error;
    }
  };
}
