import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEngineEnvironment } from '../../functions/shared/readEngineEnvironment.js';
import { CONSOLE_FUNCTION } from '../../infra/constructs/AuditorFunctions.js';
import { env, synth } from './support/synthStacks.js';
import {
  DYNAMODB_READS,
  ENGINE_FUNCTIONS,
  PERIMETER_SECRETS,
  PLANNERS,
  ROTATION_REQUESTERS,
  WORKERS,
  actionsOf,
  apiRoutes,
  environmentOf,
  functionLogicalId,
  functionOf,
  policyStatements,
  queueLogicalId,
  resources,
  statementsOf,
  statementsOn,
  type Resource,
} from './support/templateQueries.js';

// The engine functions, the audit API and the console: runtime, environment and what each role may do.

describe('functions and their IAM grants', () => {
  let stateful: Template;
  let service: Template;
  beforeAll(() => {
    ({ stateful, service } = synth());
  });

  it('runs the SCIM function on Node.js 22, arm64, with tracing, behind /scim/v2', () => {
    service.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 25,
    });
    const scimRoutes = apiRoutes(service).filter((route) => route.path.startsWith('/scim/v2'));
    expect(scimRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(['ANY /scim/v2', 'ANY /scim/v2/{proxy+}']);
    for (const route of scimRoutes) expect(route.functionId).toBe(functionLogicalId(service, 'ScimFunction'));
  });

  it('gives every engine function the environment functions/shared/readEngineEnvironment.ts reads', () => {
    for (const id of ENGINE_FUNCTIONS) {
      // Arrange: the template's values are CloudFormation references; the names are what matter.
      const variables = environmentOf(service, id);
      const asStrings = Object.fromEntries(Object.keys(variables).map((name) => [name, `value-of-${name}`]));

      // Act
      const engineEnvironment = readEngineEnvironment(asStrings);

      // Assess
      expect(engineEnvironment.tables.ledger, id).toBe('value-of-LEDGER_TABLE');
      expect(variables.SECRET_PREFIX, id).toBe('perimeter/');
      expect('QUEUE_URL' in variables, `${id} QUEUE_URL`).toBe(WORKERS.includes(id));
      expect('SCIM_TOKENS_SECRET_ID' in variables, `${id} SCIM_TOKENS_SECRET_ID`).toBe(id === 'ScimFunction');
      expect('ADMIN_TOKENS_SECRET_ID' in variables, `${id} ADMIN_TOKENS_SECRET_ID`).toBe(id === 'AdminApi');
    }
    expect(environmentOf(service, 'FanoutWorker').QUEUE_URL).toEqual({ Ref: queueLogicalId(service, 'StepQueue', 'Queue') });
    expect(environmentOf(service, 'LockoutWorker').QUEUE_URL).toEqual({ Ref: queueLogicalId(service, 'LockoutQueue', 'Queue') });
  });

  it('points SCHEDULER_TARGET_ARN at the scheduled-job function by its fixed name, without a self-reference', () => {
    // Act
    const job = functionOf(service, 'ScheduledJob');
    const name = job.Properties.FunctionName;
    const targets = ENGINE_FUNCTIONS.map((id) => JSON.stringify(environmentOf(service, id).SCHEDULER_TARGET_ARN));

    // Assess
    expect(name).toBe('TestService-ScheduledJob');
    expect(new Set(targets).size).toBe(1);
    expect(targets[0]).toBe(JSON.stringify(`arn:aws:lambda:${env.region}:${env.account}:function:TestService-ScheduledJob`));
    // The function's own environment names none of its own attributes (that would be a cycle).
    expect(JSON.stringify(job.Properties.Environment)).not.toContain(functionLogicalId(service, 'ScheduledJob'));
  });

  it('lets every function append to the ledger but never update or delete an event', () => {
    for (const id of ENGINE_FUNCTIONS) {
      // Act
      const ledgerActions = actionsOf(statementsOn(statementsOf(service, id), 'LedgerTable'));

      // Assess
      expect(ledgerActions.sort(), id).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    }
    // Nor may any other role in the stack (without `retention` there is no retention function).
    const allLedgerActions = actionsOf(statementsOn(policyStatements(service), 'LedgerTable'));
    expect(allLedgerActions.filter((action) => !['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'].includes(action))).toEqual([]);
  });

  it('gives the token secrets only to their own function; the other functions reach perimeter/* only', () => {
    // The token secrets' names are generated (<logical id>-<suffix>), so the perimeter/* grant cannot reach them.
    expect(resources(stateful).ScimTokens?.Properties.Name).toBeUndefined();
    expect(resources(stateful).AdminTokens?.Properties.Name).toBeUndefined();
    for (const id of ENGINE_FUNCTIONS) {
      // Act
      const secretStatements = statementsOf(service, id).filter((statement) => actionsOf([statement]).some((a) => a.startsWith('secretsmanager:')));
      const resourcesText = JSON.stringify(secretStatements.map((statement) => statement.Resource));

      // Assess
      expect(resourcesText.includes('ScimTokens'), `${id} reads the SCIM token secret`).toBe(id === 'ScimFunction');
      expect(resourcesText.includes('AdminTokens'), `${id} reads the admin token secret`).toBe(id === 'AdminApi');
      expect(resourcesText.includes('AuditorTokens'), `${id} reads the auditor token secret`).toBe(false);
      expect(resourcesText.includes(PERIMETER_SECRETS), `${id} reads perimeter/*`).toBe(id !== 'ScimFunction');
      const expected = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
      if (ROTATION_REQUESTERS.includes(id)) expected.push('secretsmanager:RotateSecret');
      if (id === 'RotateSecret') expected.push('secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage');
      expect([...new Set(actionsOf(secretStatements))].sort(), id).toEqual(expected.sort());
    }
  });

  it('deploys the audit API with the engine environment and both token secrets’ ids', () => {
    // Arrange
    const variables = environmentOf(service, 'AuditApi');
    const asStrings = Object.fromEntries(Object.keys(variables).map((name) => [name, `value-of-${name}`]));

    // Act
    const engineEnvironment = readEngineEnvironment(asStrings);

    // Assess: the same engine as the others (functions/audit-api/handler.ts builds it), and the token secrets.
    expect(engineEnvironment.tables.ledger).toBe('value-of-LEDGER_TABLE');
    expect(variables).toMatchObject({ SECRET_PREFIX: 'perimeter/' });
    expect(JSON.stringify(variables.AUDITOR_TOKENS_SECRET_ID)).toContain('AuditorTokens');
    expect(JSON.stringify(variables.ADMIN_TOKENS_SECRET_ID)).toContain('AdminTokens');
    expect('SCIM_TOKENS_SECRET_ID' in variables).toBe(false);
    expect(functionOf(service, 'AuditApi').Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 25 });
  });

  it('lets the audit API read the tables and the ledger, and change nothing', () => {
    // Act
    const statements = statementsOf(service, 'AuditApi');
    const actions = actionsOf(statements);
    const dynamodbActions = actions.filter((action) => action.startsWith('dynamodb:'));
    const ledgerActions = actionsOf(statementsOn(statements, 'LedgerTable'));

    // Assess: reads on every table, no write action (nor a wildcard) on any.
    expect(dynamodbActions.filter((action) => !DYNAMODB_READS.includes(action))).toEqual([]);
    for (const table of ['DirectoryTable', 'AccessTable', 'OperationsTable']) {
      expect(actionsOf(statementsOn(statements, table)), table).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    }
    // The ledger: GetItem and Query only, never PutItem (the audit API records nothing).
    expect([...new Set(ledgerActions)].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(actions).not.toContain('dynamodb:PutItem');
    // The data key decrypts for it, never encrypts.
    expect(actions.filter((action) => action.startsWith('kms:')).sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(JSON.stringify(statements.filter((s) => actionsOf([s]).includes('ssm:GetParameter')).map((s) => s.Resource))).toContain('EngineConfig');
    expect(actions.filter((action) => action.startsWith('ssm:') && !/^ssm:(Get|Describe)/.test(action))).toEqual([]);
  });

  it('gives the audit API the auditor and admin token secrets, and no queue, scheduler or connector secret', () => {
    // Act
    const statements = statementsOf(service, 'AuditApi');
    const actions = actionsOf(statements);
    const secretStatements = statements.filter((statement) => actionsOf([statement]).some((a) => a.startsWith('secretsmanager:')));
    const secretResources = JSON.stringify(secretStatements.map((statement) => statement.Resource));

    // Assess
    expect([...new Set(actionsOf(secretStatements))].sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(secretResources).toContain('AuditorTokens');
    expect(secretResources).toContain('AdminTokens');
    expect(secretResources).not.toContain('ScimTokens');
    expect(secretResources).not.toContain('perimeter/');
    expect(actions.filter((action) => /^(sqs|scheduler|lambda|iam):/.test(action))).toEqual([]);
    // Only the tracing statement reaches "*".
    expect(statements.filter((s) => s.Resource === '*').flatMap((s) => actionsOf([s]).filter((a) => !a.startsWith('xray:')))).toEqual([]);
  });

  it('gives the console no data access at all: no table, key, secret, parameter, queue or scheduler', () => {
    // Act
    const consoleFunction = functionOf(service, 'Console');
    const roleId = (consoleFunction.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = resources(service)[roleId] as Resource;
    const actions = actionsOf(statementsOf(service, 'Console'));

    // Assess: tracing and its log group, nothing else.
    expect([...new Set(actions)].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toBe(
      JSON.stringify([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] }]),
    );
    expect(role.Properties.Policies).toBeUndefined();
    expect(Object.keys(environmentOf(service, 'Console'))).toEqual(['NODE_OPTIONS']);
    expect(consoleFunction.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Description: CONSOLE_FUNCTION.description,
      MemorySize: CONSOLE_FUNCTION.memorySize,
    });
  });

  it('lets the planners queue steps and manage one-time jobs in the jobs group; the workers only consume', () => {
    const groupName = resources(stateful).PerimeterJobs?.Properties.Name as string;
    for (const id of ENGINE_FUNCTIONS) {
      // Act
      const statements = statementsOf(service, id);
      const schedulerStatements = statements.filter((statement) => actionsOf([statement]).some((a) => a.startsWith('scheduler:')));
      const sqsActions = actionsOf(statements.filter((statement) => actionsOf([statement]).some((a) => a.startsWith('sqs:'))));
      const passRole = statements.filter((statement) => actionsOf([statement]).includes('iam:PassRole'));

      // Assess
      if (PLANNERS.includes(id)) {
        expect(actionsOf(schedulerStatements), id).toEqual(
          expect.arrayContaining(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule']),
        );
        expect(JSON.stringify(schedulerStatements.map((s) => s.Resource))).toContain(`:schedule/${groupName}/*`);
        expect(passRole.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^SchedulerRole/), 'Arn'] }]);
        expect(sqsActions, id).toContain('sqs:SendMessage');
        expect(sqsActions, id).not.toContain('sqs:ReceiveMessage');
      } else {
        expect(schedulerStatements, id).toEqual([]);
        expect(passRole, id).toEqual([]);
        expect(sqsActions, id).not.toContain('sqs:SendMessage');
        if (WORKERS.includes(id)) {
          expect(sqsActions, id).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
        } else {
          // The rotation function records in the ledger; it neither plans nor consumes steps.
          expect(sqsActions, id).toEqual([]);
        }
      }
      expect(actionsOf(statements).filter((action) => action.startsWith('ssm:')), id).toContain('ssm:GetParameter');
      expect(JSON.stringify(statements.filter((s) => actionsOf([s]).includes('ssm:GetParameter')).map((s) => s.Resource))).toContain('EngineConfig');
    }
  });
});
