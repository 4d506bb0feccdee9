import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { ConnectorConfig } from '../../lib/config/perimeterConfigSchema.js';
import { errorLineMetricFilter } from './errorLineMetricFilter.js';

export interface CredentialRotationSchedulesProps {
  /** The validated engine config's connectors; those with `rotation` and a credential get a schedule. */
  readonly connectors: readonly ConnectorConfig[];
  /** The Secrets Manager rotation function (functions/rotate-secret/handler.ts). */
  readonly rotationFunction: lambda.IFunction;
  /** The rotation function's log group, where failed steps are counted. */
  readonly logGroup: logs.ILogGroup;
  /** Every credential secret is named under this (checked by the service stack before this runs). */
  readonly secretPrefix: string;
  /** Where the config came from, named in errors. */
  readonly configOrigin: string;
}

/** What functions/rotate-secret/createRotateSecretHandler.ts logs, at level "error", when a step fails. */
export const ROTATION_FAILURE_MESSAGE = 'Rotation step failed';
export const ROTATION_FAILURE_NAMESPACE = 'Perimeter';
export const ROTATION_FAILURE_METRIC = 'RotationFailures';

/**
 * A Secrets Manager rate() expression for a rotation interval in whole hours (the config allows
 * 4 to 8760). Secrets Manager rotates at most every four hours and at least every 999 days, in hours
 * or days ("rotate-secrets_schedule" in the Secrets Manager User Guide); whole days are written in
 * days, the unit its documentation uses beyond a day (and the one CDK's own RotationSchedule emits).
 */
export function rotationScheduleExpression(intervalHours: number): string {
  if (!Number.isInteger(intervalHours) || intervalHours < 4 || intervalHours > 999 * 24) {
    throw new ConfigError(`A rotation interval must be a whole number of hours from 4 to ${999 * 24} (Secrets Manager's limits), not ${intervalHours}`);
  }
  if (intervalHours % 24 === 0) {
    const days = intervalHours / 24;
    return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
  }
  return `rate(${intervalHours} hours)`;
}

/**
 * Credential rotation in AWS: Secrets Manager may invoke the rotation function (for this account's
 * secrets under the prefix only), one rotation schedule per rotating connector credential, and an
 * alarm on failed rotation steps.
 *
 * The credential secrets are created by the operator, not by CDK, so they are imported by name; the
 * schedule attaches the rotation function to the existing secret. Deleting the stack turns rotation
 * off again and leaves the secrets as they are.
 */
export class CredentialRotationSchedules extends Construct {
  /** The rotation schedules, by secret name. */
  public readonly schedules: ReadonlyMap<string, secretsmanager.CfnRotationSchedule>;
  /** Counts the rotation function's "Rotation step failed" lines (Perimeter/RotationFailures). */
  public readonly failureMetricFilter: logs.MetricFilter;
  /** In alarm when a rotation step failed in the last 5 minutes; the current credential still works. */
  public readonly failureAlarm: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: CredentialRotationSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Secrets Manager's guide recommends aws:SourceAccount on the rotation function's resource
    // policy; aws:SourceArn, which it sends as the rotated secret's ARN, is added as a pattern over
    // the prefix, so the function can be attached to Perimeter's secrets only, not to any secret
    // in the account. CDK turns both conditions into the permission's SourceAccount and SourceArn.
    const ourSecrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${props.secretPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    props.rotationFunction.grantInvoke(
      new iam.ServicePrincipal('secretsmanager.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': ourSecrets },
        },
      }),
    );

    const schedules = new Map<string, secretsmanager.CfnRotationSchedule>();
    for (const [secretName, rotation] of rotatingSecrets(props.connectors, props.configOrigin)) {
      const secret = secretsmanager.Secret.fromSecretNameV2(this, `${rotation.connectorId}Secret`, secretName);
      const schedule = new secretsmanager.CfnRotationSchedule(this, `${rotation.connectorId}Schedule`, {
        // The name, as CDK's RotationSchedule does for a secret imported by name: the full ARN ends
        // in a suffix only Secrets Manager knows, and a partial ARN can match the wrong secret.
        secretId: secret.secretName,
        rotationLambdaArn: props.rotationFunction.functionArn,
        rotationRules: { scheduleExpression: rotationScheduleExpression(rotation.intervalHours) },
        // Secrets Manager's default, stated: creating (or changing) the schedule rotates at once, so
        // a broken setup alarms at deploy time rather than at the first window.
        rotateImmediatelyOnUpdate: true,
      });
      // That first rotation starts as soon as the schedule exists: the invoke permission and the
      // function's role policy (children of the function) must exist before it.
      schedule.node.addDependency(props.rotationFunction);
      schedules.set(secretName, schedule);
    }
    this.schedules = schedules;

    this.failureMetricFilter = errorLineMetricFilter(this, 'FailureFilter', {
      logGroup: props.logGroup,
      message: ROTATION_FAILURE_MESSAGE,
      metricNamespace: ROTATION_FAILURE_NAMESPACE,
      metricName: ROTATION_FAILURE_METRIC,
    });
    this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmDescription:
        'Perimeter: a credential rotation step failed. The current credential keeps working; the rotate function\'s log and the ledger (chain credential#<secret>) say which secret and why.',
      metric: this.failureMetricFilter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // The filter publishes only when a step fails: no data means nothing failed.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/**
 * The secrets to rotate and how often, with the first connector that asked. Secrets Manager holds
 * one rotation schedule per secret, so connectors sharing a credential must agree on the interval.
 */
function rotatingSecrets(connectors: readonly ConnectorConfig[], origin: string): Map<string, { connectorId: string; intervalHours: number }> {
  const bySecret = new Map<string, { connectorId: string; intervalHours: number }>();
  const problems: string[] = [];
  connectors.forEach((connector, index) => {
    const secretName = connector.credential?.secret;
    // Without a credential there is nothing to rotate (local mode skips it too).
    if (secretName === undefined || connector.rotation === undefined) return;
    const { intervalHours } = connector.rotation;
    const earlier = bySecret.get(secretName);
    if (earlier === undefined) {
      bySecret.set(secretName, { connectorId: connector.id, intervalHours });
    } else if (earlier.intervalHours !== intervalHours) {
      problems.push(
        `connectors[${index}].rotation.intervalHours (connector "${connector.id}"): the secret "${secretName}" is also rotated by connector ` +
          `"${earlier.connectorId}" every ${earlier.intervalHours} hours; Secrets Manager keeps one rotation schedule per secret`,
      );
    }
  });
  if (problems.length > 0) throw new ConfigError(`Config ${origin} cannot be deployed:\n- ${problems.join('\n- ')}`);
  return bySecret;
}
