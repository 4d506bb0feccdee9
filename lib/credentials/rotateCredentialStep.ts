import type { SecretStore } from '../ports/SecretStore.js';
import type { Credential } from '../connector-sdk/Credential.js';
import type { CredentialRotator, RotationContext } from '../connector-sdk/CredentialRotator.js';
import { isReplacedPending } from './isReplacedPending.js';
import { RotationError } from '../connector-sdk/RotationError.js';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export interface RotationStepInput {
  readonly secretName: string;
  /** The version being rotated in (Secrets Manager's ClientRequestToken). */
  readonly token: string;
  readonly step: RotationStep;
}

export interface RotationStepDependencies {
  readonly secrets: SecretStore;
  readonly rotatorFor: (credential: Credential) => CredentialRotator | undefined;
  readonly parse: (value: string) => Credential;
  readonly context?: RotationContext;
}

/** What a step did, for the ledger and the caller. */
export interface RotationStepResult {
  readonly step: RotationStep;
  /** False when the step found its work already done (a re-run after a crash). */
  readonly changed: boolean;
  /** finishSecret: retiring the previous credential at the vendor failed (rotation itself succeeded). */
  readonly retireError?: string;
}

/**
 * One step of the Secrets Manager rotation protocol, the same code for the rotation Lambda and for
 * local mode. Every step is idempotent: createSecret finds an AWSPENDING version with this token and
 * stops; finishSecret finds the token already AWSCURRENT and stops. The new credential is stored as
 * AWSPENDING before anything retires the old one, so a crash between any two steps leaves either the
 * old credential current and working, or the new one pending and tested on the next run.
 */
export async function rotateCredentialStep(input: RotationStepInput, deps: RotationStepDependencies): Promise<RotationStepResult> {
  const { secrets } = deps;
  const current = await secrets.getSecretValue(input.secretName, 'AWSCURRENT');
  if (!current) throw new RotationError(`Secret ${input.secretName} has no AWSCURRENT version`);
  const currentCredential = deps.parse(current.value);
  const rotator = deps.rotatorFor(currentCredential);
  if (!rotator) throw new RotationError(`Secret ${input.secretName} holds a ${currentCredential.type} credential, which cannot be rotated by API`);
  const context = deps.context ?? {};

  switch (input.step) {
    case 'createSecret': {
      let pending = await secrets.getSecretValue(input.secretName, 'AWSPENDING');
      if (pending && isReplacedPending(pending, current)) {
        // Overtaken by an operator's put: never resumed. Secrets Manager retries a rotation while
        // AWSPENDING sits on a version other than AWSCURRENT; with the label gone it starts afresh.
        await secrets.updateVersionStage(input.secretName, 'AWSPENDING', { removeFromVersionId: pending.versionId });
        if (pending.versionId === input.token) {
          throw new RotationError(`Secret ${input.secretName}: the rotation to version ${input.token} was overtaken by a newer current version and is discarded; the next rotation starts from the current version`);
        }
        pending = undefined;
      }
      if (pending?.versionId === input.token || current.versionId === input.token) return { step: input.step, changed: false };
      if (pending && pending.versionId !== current.versionId) {
        // An earlier rotation stopped after creating its credential. Creating another from the
        // current one would spend a refresh token the provider may already have retired (and
        // revoke the whole token family); that rotation must be finished instead.
        throw new RotationError(`Secret ${input.secretName} has an unfinished rotation (version ${pending.versionId}); finish it before starting another`);
      }
      const next = await rotator.create(currentCredential as never, context);
      await secrets.putSecretValue(input.secretName, JSON.stringify(next), { clientRequestToken: input.token, stages: ['AWSPENDING'] });
      return { step: input.step, changed: true };
    }
    case 'setSecret':
      // The provider issued the new credential in createSecret; there is nothing to push to it.
      return { step: input.step, changed: false };
    case 'testSecret': {
      if (current.versionId === input.token) return { step: input.step, changed: false };
      const pending = await secrets.getSecretValue(input.secretName, 'AWSPENDING');
      if (pending?.versionId !== input.token) throw new RotationError(`Secret ${input.secretName} has no AWSPENDING version ${input.token}`);
      await rotator.test(deps.parse(pending.value) as never, context);
      return { step: input.step, changed: true };
    }
    case 'finishSecret': {
      if (current.versionId === input.token) return { step: input.step, changed: false };
      const pending = await secrets.getSecretValue(input.secretName, 'AWSPENDING');
      if (pending?.versionId !== input.token) throw new RotationError(`Secret ${input.secretName} has no AWSPENDING version ${input.token}`);
      await secrets.updateVersionStage(input.secretName, 'AWSCURRENT', { moveToVersionId: input.token, removeFromVersionId: current.versionId });
      // The rotation is complete: nothing is pending any more.
      await secrets.updateVersionStage(input.secretName, 'AWSPENDING', { removeFromVersionId: input.token });
      try {
        await rotator.retire(currentCredential as never, deps.parse(pending.value) as never, context);
        return { step: input.step, changed: true };
      } catch (error) {
        // The new credential is current and works; the old one could not be removed at the vendor.
        return { step: input.step, changed: true, retireError: error instanceof Error ? error.message : String(error) };
      }
    }
  }
}
