import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEngineEnvironment } from '../../functions/shared/readEngineEnvironment.js';
import type { ServiceStack } from '../../infra/stacks/ServiceStack.js';
import { env, synth, synthConfig } from './support/synthStacks.js';
import {
  ENGINE_FUNCTIONS,
  actionsOf,
  environmentOf,
  exportNames,
  functionLogicalId,
  functionOf,
  importNames,
  policyStatements,
  resources,
  statementsOf,
  statementsOn,
  type Resource,
  type Statement,
} from './support/templateQueries.js';

// Ledger retention: nothing without `retention` in the config; with it, the Retention function, its grants and its schedule.

describe('without ledger retention', () => {
  let stateful: Template;
  let service: Template;
  beforeAll(() => {
    ({ stateful, service } = synth());
  });

  it('deploys no retention function or schedule without `retention` in the config, and no role reaches the archive', () => {
    // Act
    const retentionResources = Object.keys(resources(service)).filter((logicalId) => logicalId.startsWith('Retention'));
    const s3Actions = actionsOf(policyStatements(service)).filter((action) => action.startsWith('s3:'));

    // Assess
    expect(retentionResources).toEqual([]);
    service.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Target: { Input: JSON.stringify({ task: 'retain' }) } }, 0);
    expect(s3Actions).toEqual([]);
    // The bucket exists anyway (data outlives a config change), exported for when retention is turned on.
    expect(exportNames(stateful).filter((name) => name.includes('ArchiveBucket'))).toHaveLength(2);
  });
});

describe('ledger retention', () => {
  let stateful: Template;
  let service: Template;
  let serviceStack: ServiceStack;
  beforeAll(() => {
    ({ stateful, service, serviceStack } = synthConfig({ retention: { keepDays: 365 } }));
  });

  /** The role the Retention function runs as. */
  function retentionRoleId(): string {
    return (functionOf(service, 'Retention').Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  }

  /** The logical id of the role the retention schedule assumes. */
  function retentionSchedulerRoleId(): string {
    const ids = Object.keys(service.findResources('AWS::IAM::Role')).filter((id) => /^RetentionSchedulerRole[0-9A-F]{8}$/.test(id));
    expect(ids).toHaveLength(1);
    return ids[0] as string;
  }

  it('deploys the Retention function: Node.js 22, arm64, 15 minutes, the engine environment plus the archive bucket and key', () => {
    // Arrange
    const retention = functionOf(service, 'Retention');
    const variables = environmentOf(service, 'Retention');
    const asStrings = Object.fromEntries(Object.keys(variables).map((name) => [name, `value-of-${name}`]));

    // Act
    const engineEnvironment = readEngineEnvironment(asStrings);

    // Assess
    expect(retention.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 900, TracingConfig: { Mode: 'Active' } });
    expect(engineEnvironment.tables.ledger).toBe('value-of-LEDGER_TABLE');
    expect(variables.SECRET_PREFIX).toBe('perimeter/');
    expect(importNames(variables.ARCHIVE_BUCKET)).toEqual([expect.stringMatching(/ExportsOutputRefArchiveBucket/)]);
    expect(importNames(variables.ARCHIVE_KEY_ARN)).toEqual([expect.stringMatching(/ExportsOutputFnGetAttDataKeyArn/)]);
    for (const tokens of ['SCIM_TOKENS_SECRET_ID', 'ADMIN_TOKENS_SECRET_ID', 'AUDITOR_TOKENS_SECRET_ID', 'QUEUE_URL']) {
      expect(tokens in variables, tokens).toBe(false);
    }
    expect(serviceStack.resolve(serviceStack.retentionFunction?.functionName)).toEqual({ Ref: functionLogicalId(service, 'Retention') });
  });

  it('makes the Retention function the only one that may delete ledger events; no function may update one', () => {
    // Act
    const retentionLedger = actionsOf(statementsOn(statementsOf(service, 'Retention'), 'LedgerTable'));
    const otherRoles = Object.values(resources(service))
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && !JSON.stringify(resource.Properties.Roles).includes(`"${retentionRoleId()}"`))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const everyLedgerAction = actionsOf(statementsOn(policyStatements(service), 'LedgerTable'));

    // Assess: Query and GetItem to read and seal, PutItem for the run's own ledger event, DeleteItem to prune.
    expect(retentionLedger.sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    for (const id of ENGINE_FUNCTIONS) {
      expect(actionsOf(statementsOn(statementsOf(service, id), 'LedgerTable')).sort(), id).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    }
    expect(actionsOf(statementsOn(statementsOf(service, 'AuditApi'), 'LedgerTable')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(actionsOf(statementsOn(otherRoles, 'LedgerTable')).filter((action) => !['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'].includes(action))).toEqual([]);
    // No role at all may update an event, overwrite one in a batch, or hold a wildcard on the ledger.
    expect(everyLedgerAction.filter((action) => ['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate'].includes(action) || action.includes('*'))).toEqual([]);
  });

  it('gives the Retention function the checkpoints (Operations table) to read and write, and no other table', () => {
    // Act
    const statements = statementsOf(service, 'Retention');
    const operations = actionsOf(statementsOn(statements, 'OperationsTable'));

    // Assess
    expect(operations).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem']));
    expect(statementsOn(statements, 'DirectoryTable')).toEqual([]);
    expect(statementsOn(statements, 'AccessTable')).toEqual([]);
  });

  it('lets the Retention function put archive objects under ledger-archive/ only: never read, list, delete or unlock them', () => {
    // Act
    const statements = statementsOf(service, 'Retention');
    const s3Statements = statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('s3:')));
    const everyS3Statement = policyStatements(service).filter((statement) => actionsOf([statement]).some((action) => action.startsWith('s3:')));

    // Assess: grantPut's actions, on the prefix's objects only.
    expect([...new Set(actionsOf(s3Statements))].sort()).toEqual([
      's3:Abort*',
      's3:PutObject',
      's3:PutObjectLegalHold',
      's3:PutObjectRetention',
      's3:PutObjectTagging',
      's3:PutObjectVersionTagging',
    ]);
    for (const statement of s3Statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.Condition).toBeUndefined();
      expect(statement.Resource).toEqual({
        'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(/ExportsOutputFnGetAttArchiveBucketArn/) }, '/ledger-archive/*']],
      });
    }
    expect(everyS3Statement).toEqual(s3Statements);
    // The data key: encrypt (S3's data keys) and decrypt (the tables); the engine config; nothing else.
    const kmsStatements = statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('kms:')));
    expect([...new Set(actionsOf(kmsStatements))].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']);
    expect(JSON.stringify(kmsStatements.map((statement) => statement.Resource))).toContain('DataKeyArn');
    const actions = actionsOf(statements);
    expect(JSON.stringify(statements.filter((s) => actionsOf([s]).includes('ssm:GetParameter')).map((s) => s.Resource))).toContain('EngineConfig');
    expect(actions.filter((action) => action.startsWith('ssm:') && !/^ssm:(Get|Describe)/.test(action))).toEqual([]);
    expect(actions.filter((action) => /^(sqs|scheduler|secretsmanager|lambda|iam):/.test(action))).toEqual([]);
    expect(statements.filter((s) => s.Resource === '*').flatMap((s) => actionsOf([s]).filter((a) => !a.startsWith('xray:')))).toEqual([]);
  });

  it('runs retention daily from EventBridge Scheduler, as a role of its own that may invoke only the Retention function', () => {
    // Act
    const retentionId = functionLogicalId(service, 'Retention');
    const roleId = retentionSchedulerRoleId();
    const role = resources(service)[roleId] as Resource;
    const roleStatements = policyStatements(service, roleId);
    const sharedRoleId = Object.keys(service.findResources('AWS::IAM::Role')).find((id) => /^SchedulerRole[0-9A-F]{8}$/.test(id)) as string;

    // Assess
    service.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      GroupName: Match.absent(),
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 60 },
      Target: {
        Arn: { 'Fn::GetAtt': [retentionId, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Input: JSON.stringify({ task: 'retain' }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 },
      },
    });
    service.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Target: { Arn: { 'Fn::GetAtt': [retentionId, 'Arn'] } } }, 1);
    // Only this account's schedules in the default group may assume it; the engine's jobs group may not.
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': env.account, 'aws:SourceArn': `arn:aws:scheduler:${env.region}:${env.account}:schedule-group/default` },
          },
        },
      ],
    });
    expect([...new Set(actionsOf(roleStatements))]).toEqual(['lambda:InvokeFunction']);
    expect(statementsOn(roleStatements, retentionId)).toEqual(roleStatements);
    // The role the engine passes to its one-time jobs cannot start a retention run.
    expect(JSON.stringify(policyStatements(service, sharedRoleId))).not.toContain(retentionId);
  });

  it('imports the archive bucket through exports the stateful stack keeps with retention on or off', () => {
    // Arrange
    const { stateful: withoutRetention } = synth();

    // Act
    const imported = importNames(
      policyStatements(service, retentionRoleId()).concat([{ Effect: 'Allow', Action: [], Resource: environmentOf(service, 'Retention') }]),
    ).filter((name) => name.includes('ArchiveBucket'));

    // Assess
    expect(new Set(imported).size).toBe(2);
    for (const name of imported) {
      expect(exportNames(withoutRetention), name).toContain(name);
      expect(exportNames(stateful), name).toContain(name);
    }
  });
});
