import { CfnOutput, Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CredentialRotationSchedules } from './CredentialRotationSchedules.js';
import { type EngineFunctionGroupProps, NO_DUTIES } from './EngineFunctions.js';
import { SECRET_PREFIX } from './perimeterSecrets.js';

/** One rotation step: a few vendor calls (issue, test or retire a credential) with a 10 s timeout each. */
const ROTATION_TIMEOUT = Duration.minutes(2);

/**
 * Credential rotation: the function Secrets Manager runs the four rotation steps through, on each
 * rotating credential's schedule and whenever an engine function requests a rotation, and those
 * schedules with their failure alarm. The function records every step in the ledger, so it is an
 * engine function; it neither plans nor queues.
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the logical ids of the function, the rotation schedules and the output, and so
 * replace them.
 */
export class SecretRotation {
  /** The function Secrets Manager invokes to rotate connector credentials. */
  public readonly function: lambda.IFunction;
  /** Rotation schedules of the config's rotating credentials, and the failure metric and alarm. */
  public readonly schedules: CredentialRotationSchedules;

  public constructor(scope: Construct, props: EngineFunctionGroupProps) {
    const { engine, stateful } = props;
    const rotate = engine.add('RotateSecret', { ...NO_DUTIES, readsPerimeterSecrets: true, rotatesSecrets: true }, {
      entry: 'functions/rotate-secret/handler.ts',
      description: 'Perimeter credential rotation (Secrets Manager rotation function)',
      environment: engine.environment,
      timeout: ROTATION_TIMEOUT,
    });
    this.function = rotate.function;
    this.schedules = new CredentialRotationSchedules(scope, 'CredentialRotation', {
      connectors: stateful.engineConfig.connectors,
      rotationFunction: rotate.function,
      logGroup: rotate.logGroup,
      secretPrefix: SECRET_PREFIX,
      configOrigin: stateful.engineConfigOrigin,
    });
    new CfnOutput(scope, 'RotationFailureAlarmName', {
      description: 'In alarm when a credential rotation step failed (the current credential keeps working)',
      value: this.schedules.failureAlarm.alarmName,
    });
  }
}
