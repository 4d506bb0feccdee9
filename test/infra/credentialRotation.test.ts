import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRotateSecretHandler } from '../../functions/rotate-secret/createRotateSecretHandler.js';
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { CredentialRotation } from '../../lib/credentials/CredentialRotation.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { rotationScheduleExpression } from '../../infra/constructs/CredentialRotationSchedules.js';
import type { ServiceStack } from '../../infra/stacks/ServiceStack.js';
import { env, rotationConfig, synth, synthConfig } from './support/synthStacks.js';
import {
  ENGINE_FUNCTIONS,
  PERIMETER_SECRETS,
  ROTATION_REQUESTERS,
  actionsOf,
  functionLogicalId,
  functionOf,
  policyStatements,
  statementsOf,
  statementsOn,
  type Resource,
  type Statement,
} from './support/templateQueries.js';

// Credential rotation: the rotation function, its schedules, grants and failure alarm.

describe('credential rotation', () => {
  let service: Template;
  let serviceStack: ServiceStack;
  beforeAll(() => {
    ({ service, serviceStack } = synthConfig(rotationConfig));
  });

  /** Every statement, in any policy of the stack, that allows secretsmanager:RotateSecret. */
  function rotateSecretStatements(template: Template): Statement[] {
    return policyStatements(template).filter((statement) => actionsOf([statement]).includes('secretsmanager:RotateSecret'));
  }

  it('deploys the rotation function, which Secrets Manager may invoke for this account’s perimeter/ secrets only', () => {
    // Act
    const rotate = functionOf(service, 'RotateSecret');
    const permissions = Object.values(service.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'secretsmanager.amazonaws.com' } }));

    // Assess
    expect(rotate.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 120 });
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionLogicalId(service, 'RotateSecret'), 'Arn'] },
      SourceAccount: env.account,
    });
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toContain(`:secretsmanager:${env.region}:${env.account}:secret:perimeter/*"`);
  });

  it('attaches one rotation schedule per rotating connector, to the operator’s secret, after the function may run', () => {
    // Act
    const schedules = Object.values(service.findResources('AWS::SecretsManager::RotationSchedule'));
    const rotateId = functionLogicalId(service, 'RotateSecret');
    const permissionId = Object.keys(service.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'secretsmanager.amazonaws.com' } }))[0];

    // Assess: github rotates every 12 hours; slack has no rotation, so no schedule.
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties).toEqual({
      SecretId: 'perimeter/github',
      RotationLambdaARN: { 'Fn::GetAtt': [rotateId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(12 hours)' },
      RotateImmediatelyOnUpdate: true,
    });
    // Creating the schedule starts a rotation: the permission and the role's policy come first.
    const dependsOn = (schedules[0] as Resource & { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn).toContain(permissionId);
    expect(dependsOn.some((id) => /^RotateSecretFunctionServiceRoleDefaultPolicy/.test(id))).toBe(true);
    // The secrets are the operator's: imported, never created (or deleted) by the stack.
    service.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('writes the schedule in hours, or in days when the interval is whole days, and none without a rotating connector', () => {
    // Arrange
    const both = {
      connectors: [rotationConfig.connectors[0], { ...rotationConfig.connectors[1], rotation: { intervalHours: 48 } }],
    };

    // Act
    const { service: twoRotating } = synthConfig(both);
    const { service: none } = synth();

    // Assess
    expect(
      Object.values(twoRotating.findResources('AWS::SecretsManager::RotationSchedule'))
        .map((schedule) => [schedule.Properties.SecretId, schedule.Properties.RotationRules.ScheduleExpression])
        .sort(),
    ).toEqual([
      ['perimeter/github', 'rate(12 hours)'],
      ['perimeter/slack', 'rate(2 days)'],
    ]);
    none.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect([4, 23, 24, 36, 8760].map(rotationScheduleExpression)).toEqual([
      'rate(4 hours)',
      'rate(23 hours)',
      'rate(1 day)',
      'rate(36 hours)',
      'rate(365 days)',
    ]);
    expect(() => rotationScheduleExpression(3)).toThrow(/from 4 to 23976/);
  });

  it('refuses at synth time a secret name outside perimeter/, naming the connector', () => {
    // Arrange
    const outside = {
      connectors: [rotationConfig.connectors[0], { ...rotationConfig.connectors[1], credential: { secret: 'slack-token' } }],
      webhooks: { standard: { secret: 'hr/standard' } },
    };

    // Act
    const attempt = (): unknown => synthConfig(outside);

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'Config perimeter.json cannot be deployed:\n' +
        '- connectors[1].credential.secret (connector "slack"): "slack-token" must start with "perimeter/" (in AWS the functions may read only secrets named under it)\n' +
        '- webhooks.standard.secret: "hr/standard" must start with "perimeter/"',
    );
  });

  it('refuses two connectors rotating one secret at different intervals (Secrets Manager keeps one schedule per secret)', () => {
    // Arrange
    const shared = {
      connectors: [
        rotationConfig.connectors[0],
        { id: 'github-ent', type: 'github', settings: { org: 'acme-ent' }, credential: { secret: 'perimeter/github' }, rotation: { intervalHours: 24 } },
      ],
    };
    const agreeing = { connectors: [rotationConfig.connectors[0], { ...shared.connectors[1], rotation: { intervalHours: 12 } }] };

    // Act & Assess
    expect(() => synthConfig(shared)).toThrow(
      'connectors[1].rotation.intervalHours (connector "github-ent"): the secret "perimeter/github" is also rotated by connector "github" every 12 hours',
    );
    synthConfig(agreeing).service.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
  });

  it('counts the rotate function’s "Rotation step failed" lines and alarms on one within 5 minutes', () => {
    // Act
    const filters = Object.values(service.findResources('AWS::Logs::MetricFilter')).filter((filter) => JSON.stringify(filter).includes('RotationFailures'));
    const alarms = service.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RotationFailures' } });
    const logGroupId = Object.keys(service.findResources('AWS::Logs::LogGroup')).find((id) => /^RotateSecretLogs[0-9A-F]{8}$/.test(id));

    // Assess
    expect(filters).toHaveLength(1);
    expect(filters[0]?.Properties).toEqual({
      LogGroupName: { Ref: logGroupId },
      FilterPattern: '{ ($.level = "error") && ($.message = "Rotation step failed") }',
      MetricTransformations: [{ MetricNamespace: 'Perimeter', MetricName: 'RotationFailures', MetricValue: '1', Unit: 'Count' }],
    });
    expect(Object.keys(alarms)).toHaveLength(1);
    const [alarmId, alarm] = Object.entries(alarms)[0] as [string, Resource];
    expect(alarm.Properties).toMatchObject({
      Namespace: 'Perimeter',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties.Dimensions).toBeUndefined();
    service.hasOutput('RotationFailureAlarmName', { Value: { Ref: alarmId } });
    expect(serviceStack.resolve(serviceStack.rotationFailureAlarm.alarmName)).toEqual({ Ref: alarmId });
  });

  it('matches the line the rotation handler logs when a step fails', async () => {
    // Arrange: the real handler and logger, with a rotation whose step fails.
    const lines: string[] = [];
    const logger = createJsonLogger('perimeter-rotate-secret', (line) => lines.push(line));
    const rotation = { step: () => Promise.reject(new Error('vendor refused the refresh token')) } as unknown as CredentialRotation;
    const handler = createRotateSecretHandler(rotation, logger);

    // Act
    await expect(
      handler({ SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:perimeter/github-AbCdEf', ClientRequestToken: 'v2', Step: 'createSecret' }),
    ).rejects.toThrow('vendor refused');

    // Assess: the one line the filter's two selectors ($.level, $.message) match.
    const matching = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 'error' && entry.message === 'Rotation step failed');
    expect(matching).toHaveLength(1);
  });

  it('allows secretsmanager:RotateSecret only on perimeter/ secrets, and only to the functions that request a rotation', () => {
    // Act
    const statements = rotateSecretStatements(service);
    const holders = ENGINE_FUNCTIONS.filter((id) => actionsOf(statementsOf(service, id)).includes('secretsmanager:RotateSecret'));

    // Assess
    expect(holders.sort()).toEqual([...ROTATION_REQUESTERS].sort());
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Condition).toBeUndefined();
      // One resource: the prefix pattern, never "*" nor another secret.
      expect(statement.Resource).toBe(`arn:aws:secretsmanager:${env.region}:${env.account}${PERIMETER_SECRETS}`);
    }
    // No other Secrets Manager write anywhere in the stack reaches beyond perimeter/.
    const writes = policyStatements(service).filter((statement) =>
      actionsOf([statement]).some((action) => ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage', 'secretsmanager:UpdateSecret'].includes(action)),
    );
    expect(writes.map((statement) => JSON.stringify(statement.Resource).includes(PERIMETER_SECRETS))).toEqual(writes.map(() => true));
    expect(actionsOf(writes)).not.toContain('secretsmanager:UpdateSecret');
  });

  it('lets the rotation function append to the ledger but never update or delete an event', () => {
    // Act
    const ledgerActions = actionsOf(statementsOn(statementsOf(service, 'RotateSecret'), 'LedgerTable'));

    // Assess
    expect(ledgerActions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  });
});
