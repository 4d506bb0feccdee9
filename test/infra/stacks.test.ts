import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRotateSecretHandler } from '../../functions/rotate-secret/createRotateSecretHandler.js';
import { readEngineEnvironment } from '../../functions/shared/readEngineEnvironment.js';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { CredentialRotation } from '../../lib/credentials/CredentialRotation.js';
import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { DEFAULT_WAF_RATE_LIMIT } from '../../infra/constructs/ApiFirewall.js';
import { rotationScheduleExpression } from '../../infra/constructs/CredentialRotationSchedules.js';
import type { EngineConfigSource } from '../../infra/constructs/EngineConfigParameter.js';
import { PerimeterFunction } from '../../infra/constructs/PerimeterFunction.js';
import { CONSOLE_FUNCTION } from '../../infra/constructs/AuditorFunctions.js';
import { ServiceStack, type ServiceStackProps } from '../../infra/stacks/ServiceStack.js';
import { StatefulStack, type StatefulStackProps } from '../../infra/stacks/StatefulStack.js';

const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
// TableV2 with a customer-managed key renders per-region replica settings, so it needs a region.
const env = { account: '123456789012', region: 'eu-west-1' };

interface SynthOptions {
  readonly engineConfig?: EngineConfigSource;
  readonly stateful?: Pick<StatefulStackProps, 'archiveRetentionDays'>;
  readonly service?: Partial<ServiceStackProps>;
}

function synth(options: SynthOptions = {}): { stateful: Template; service: Template; serviceStack: ServiceStack; app: App } {
  // Skip esbuild bundling: these tests are about the templates, not the bundle.
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const stateful = new StatefulStack(app, 'TestStateful', {
    env,
    ...(options.engineConfig !== undefined ? { engineConfig: options.engineConfig } : {}),
    ...options.stateful,
  });
  const service = new ServiceStack(app, 'TestService', { env, stateful, ...options.service });
  return { stateful: Template.fromStack(stateful), service: Template.fromStack(service), serviceStack: service, app };
}

/** Synthesises with an engine config given as an object. */
function synthConfig(config: unknown): ReturnType<typeof synth> {
  return synth({ engineConfig: { text: JSON.stringify(config), origin: 'perimeter.json' } });
}

const validConfig = {
  connectors: [{ id: 'github', type: 'github', settings: { org: 'acme' }, credential: { secret: 'perimeter/github' } }],
  policy: { rules: [{ id: 'eng-github', when: { department: 'Engineering' }, grant: [{ app: 'github', entitlements: ['team:platform'] }] }] },
  reconciliation: { intervalMinutes: 360 },
};
const badConfig = {
  ...validConfig,
  policy: { rules: [...validConfig.policy.rules, { id: 'sales-slack', grant: [{ app: 'slack' }] }] },
};

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The engine functions, by the construct id the service stack gives them. */
const ENGINE_FUNCTIONS = ['ScimFunction', 'HrWebhook', 'AdminApi', 'ScheduledJob', 'FanoutWorker', 'LockoutWorker', 'RotateSecret'] as const;
type EngineFunctionId = (typeof ENGINE_FUNCTIONS)[number];
/** The auditor's side: the read-only audit API (an engine that only reads) and the console (no engine); ledger retention. */
type FunctionId = EngineFunctionId | 'AuditApi' | 'Console' | 'Retention';
/** The functions that plan (queue steps, schedule one-time jobs). */
const PLANNERS: readonly EngineFunctionId[] = ['ScimFunction', 'HrWebhook', 'AdminApi', 'ScheduledJob'];
const WORKERS: readonly EngineFunctionId[] = ['FanoutWorker', 'LockoutWorker'];
/** The functions that may ask Secrets Manager to rotate a credential now. */
const ROTATION_REQUESTERS: readonly EngineFunctionId[] = ['AdminApi', 'ScheduledJob', 'FanoutWorker', 'LockoutWorker'];
/** IAM's pattern for every secret under perimeter/ (the name, a dash, Secrets Manager's 6-character suffix). */
const PERIMETER_SECRETS = ':secret:perimeter/*-??????';
/** Every DynamoDB action that reads (grantReadData's); anything else on a table changes it. */
const DYNAMODB_READS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];

/** Two connectors, one of them rotating its credential every 12 hours. */
const rotationConfig = {
  connectors: [
    { id: 'github', type: 'github', settings: { org: 'acme' }, credential: { secret: 'perimeter/github' }, rotation: { intervalHours: 12 } },
    { id: 'slack', type: 'slack', settings: {}, credential: { secret: 'perimeter/slack' } },
  ],
};

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

/** The logical id of a PerimeterFunction's Lambda (construct id + "Function" + hash). */
function functionLogicalId(template: Template, id: FunctionId): string {
  const ids = Object.entries(resources(template))
    .filter(([logicalId, resource]) => resource.Type === 'AWS::Lambda::Function' && new RegExp(`^${id}(Function)?[0-9A-F]{8}$`).test(logicalId))
    .map(([logicalId]) => logicalId);
  expect(ids, `the ${id} function`).toHaveLength(1);
  return ids[0] as string;
}

function functionOf(template: Template, id: FunctionId): Resource {
  return resources(template)[functionLogicalId(template, id)] as Resource;
}

function environmentOf(template: Template, id: FunctionId): Record<string, unknown> {
  return (functionOf(template, id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Every statement of every IAM policy in the template, or only those attached to one role. */
function policyStatements(template: Template, roleLogicalId?: string): Statement[] {
  return Object.values(resources(template))
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => roleLogicalId === undefined || JSON.stringify(policy.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Every statement of every policy attached to the role a function runs as. */
function statementsOf(template: Template, id: FunctionId): Statement[] {
  return policyStatements(template, (functionOf(template, id).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
}

function actionsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((statement) => [statement.Action].flat());
}

function statementsOn(statements: readonly Statement[], resourceFragment: string): Statement[] {
  return statements.filter((statement) => JSON.stringify(statement.Resource).includes(resourceFragment));
}

function queueLogicalId(template: Template, id: 'StepQueue' | 'LockoutQueue', part: 'Queue' | 'DeadLetters'): string {
  const pattern = new RegExp(`^${id}${part === 'Queue' ? '' : 'DeadLetters'}[0-9A-F]{8}$`);
  const ids = Object.entries(resources(template))
    .filter(([logicalId, resource]) => resource.Type === 'AWS::SQS::Queue' && pattern.test(logicalId))
    .map(([logicalId]) => logicalId);
  expect(ids, `${id} ${part}`).toHaveLength(1);
  return ids[0] as string;
}

/** The export names a template's outputs offer to other stacks. */
function exportNames(template: Template): string[] {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<string, { Export?: { Name: string } }>;
  return Object.values(outputs).flatMap((output) => (output.Export ? [output.Export.Name] : []));
}

interface ApiRoute {
  readonly method: string;
  /** The resource path, e.g. /scim/v2/{proxy+} (below the stage). */
  readonly path: string;
  /** The logical id of the function the route's integration invokes. */
  readonly functionId: string;
  readonly integration: Record<string, unknown>;
}

/** Every method of the REST API, with its full resource path and the function it invokes. */
function apiRoutes(template: Template): ApiRoute[] {
  const all = resources(template);
  const pathOf = (resourceId: string): string => {
    const resource = all[resourceId] as Resource;
    const parent = resource.Properties.ParentId as { Ref?: string };
    return `${parent.Ref !== undefined ? pathOf(parent.Ref) : ''}/${String(resource.Properties.PathPart)}`;
  };
  return Object.values(all)
    .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
    .map((method) => {
      const integration = method.Properties.Integration as Record<string, unknown>;
      return {
        method: method.Properties.HttpMethod as string,
        path: pathOf((method.Properties.ResourceId as { Ref: string }).Ref),
        functionId: /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(JSON.stringify(integration.Uri))?.[1] ?? '',
        integration,
      };
    });
}

/** Every Fn::ImportValue name anywhere in a value. */
function importNames(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1] as string);
}

describe('CDK stacks', () => {
  let stateful: Template;
  let service: Template;
  beforeAll(() => {
    ({ stateful, service } = synth());
  });

  it('pins the logical ids of every stateful resource (a changed id would replace the data)', () => {
    // Act
    const all = resources(stateful);

    // Assess
    expect(all.DataKey?.Type).toBe('AWS::KMS::Key');
    expect(all.DirectoryTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(all.LedgerTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(all.AccessTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(all.OperationsTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(all.EngineConfig?.Type).toBe('AWS::SSM::Parameter');
    expect(all.ScimTokens?.Type).toBe('AWS::SecretsManager::Secret');
    expect(all.AdminTokens?.Type).toBe('AWS::SecretsManager::Secret');
    expect(all.AuditorTokens?.Type).toBe('AWS::SecretsManager::Secret');
    expect(all.PerimeterJobs?.Type).toBe('AWS::Scheduler::ScheduleGroup');
    expect(all.ArchiveBucket?.Type).toBe('AWS::S3::Bucket');
  });

  it('retains, protects, encrypts and backs up every table, with the keys the code queries', () => {
    for (const [logicalId, definition] of [
      ['DirectoryTable', directoryTable],
      ['LedgerTable', ledgerTable],
      ['AccessTable', accessTable],
      ['OperationsTable', operationsTable],
    ] as const) {
      // Act
      const table = stateful.toJSON().Resources[logicalId];

      // Assess
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
      ]);
      expect((table.Properties.GlobalSecondaryIndexes ?? []).map((index: { IndexName: string }) => index.IndexName)).toEqual(
        definition.globalIndexes.map((index) => index.indexName),
      );
      expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.Properties.Replicas[0]).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  it('retains the token secrets and the schedule group, and outputs the secrets’ ARNs', () => {
    for (const logicalId of ['ScimTokens', 'AdminTokens', 'AuditorTokens', 'PerimeterJobs']) {
      expect(resources(stateful)[logicalId]?.DeletionPolicy, logicalId).toBe('Retain');
    }
    stateful.hasOutput('ScimTokensSecretArn', { Value: { Ref: 'ScimTokens' } });
    stateful.hasOutput('AdminTokensSecretArn', { Value: { Ref: 'AdminTokens' } });
    stateful.hasOutput('AuditorTokensSecretArn', { Value: { Ref: 'AuditorTokens' } });
  });

  it('keeps the ledger archive in a retained bucket: data key, private, TLS only, versioned, locked 2555 days in governance mode, no access logs', () => {
    // Act
    const bucket = resources(stateful).ArchiveBucket as Resource;
    const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => JSON.stringify(policy.Properties.Bucket) === JSON.stringify({ Ref: 'ArchiveBucket' }),
    );

    // Assess: exactly these properties (no LoggingConfiguration, no lifecycle rule, a generated name).
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toEqual({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] } } },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2555 } } },
    });
    expect(bucket.Properties.LoggingConfiguration).toBeUndefined();
    // Its policy only denies: plain HTTP and TLS below 1.2. Nothing in the stack may bypass the lock.
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements.map((statement) => statement.Effect)).toEqual(statements.map(() => 'Deny'));
    expect(statements).toEqual(
      expect.arrayContaining([expect.objectContaining({ Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
    );
    expect(JSON.stringify(stateful.toJSON())).not.toContain('BypassGovernanceRetention');
    stateful.hasOutput('ArchiveBucketName', { Value: { Ref: 'ArchiveBucket' } });
  });

  it('takes the archive lock period from archiveRetentionDays, and refuses one Object Lock would', () => {
    // Act
    const { stateful: tenYears } = synth({ stateful: { archiveRetentionDays: 3650 } });

    // Assess
    expect(resources(tenYears).ArchiveBucket?.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
    });
    for (const days of [0, 36_501, 1.5, Number.NaN]) {
      expect(() => synth({ stateful: { archiveRetentionDays: days } }), String(days)).toThrow(ConfigError);
    }
    expect(() => synth({ stateful: { archiveRetentionDays: 0 } })).toThrow(
      'archiveRetentionDays must be a whole number of days from 1 to 36500 (Object Lock\'s limits), not 0',
    );
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

  it('starts every token secret with no tokens, and holds hashes only (the value is the empty list)', () => {
    for (const logicalId of ['ScimTokens', 'AdminTokens', 'AuditorTokens']) {
      // Act
      const secret = resources(stateful)[logicalId] as Resource;

      // Assess
      expect(secret.Properties.SecretString, logicalId).toBe('{"tokens":[]}');
      expect(secret.Properties.GenerateSecretString, logicalId).toBeUndefined();
    }
  });

  it('runs the SCIM function on Node.js 22, arm64, with tracing, behind /scim/v2', () => {
    service.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 29,
    });
    const scimRoutes = apiRoutes(service).filter((route) => route.path.startsWith('/scim/v2'));
    expect(scimRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(['ANY /scim/v2', 'ANY /scim/v2/{proxy+}']);
    for (const route of scimRoutes) expect(route.functionId).toBe(functionLogicalId(service, 'ScimFunction'));
  });

  it('serves a regional REST API with Lambda proxy routes to each function, and nothing else', () => {
    // Act
    const routes = apiRoutes(service).map((route) => [`${route.method} ${route.path}`, route.functionId, route.integration] as const);

    // Assess: the same paths and methods as local mode; the auditor's side is GET only.
    expect(routes.map(([route, functionId]) => [route, functionId]).sort()).toEqual(
      [
        ['ANY /scim/v2', functionLogicalId(service, 'ScimFunction')],
        ['ANY /scim/v2/{proxy+}', functionLogicalId(service, 'ScimFunction')],
        ['POST /hooks/hr/{source}', functionLogicalId(service, 'HrWebhook')],
        ['ANY /admin/{proxy+}', functionLogicalId(service, 'AdminApi')],
        ['GET /audit/{proxy+}', functionLogicalId(service, 'AuditApi')],
        ['GET /console', functionLogicalId(service, 'Console')],
        ['GET /console/{proxy+}', functionLogicalId(service, 'Console')],
      ].sort(),
    );
    for (const [route, , integration] of routes) expect(integration, route).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    service.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    service.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] }, FailOnWarnings: true });
    service.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    // A path or method without a route is a 404, as it was behind the HTTP API, not "Missing Authentication Token".
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', { ResponseType: 'MISSING_AUTHENTICATION_TOKEN', StatusCode: '404' });
  });

  it('lets API Gateway invoke each route’s function from the api stage only, without test-invoke permissions', () => {
    // Act
    const permissions = Object.values(service.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } }));
    const functions = new Set(permissions.map((permission) => JSON.stringify(permission.Properties.FunctionName)));

    // Assess: one per route (7), every source ARN on the api stage.
    expect(permissions).toHaveLength(7);
    for (const permission of permissions) expect(JSON.stringify(permission.Properties.SourceArn)).toMatch(/\/",\{"Ref":"ApiRestApiDeploymentStageapi\w+"\},"\/(\*|GET|POST)\/(scim|hooks|admin|audit|console)/);
    expect(JSON.stringify(permissions)).not.toContain('test-invoke-stage');
    expect([...functions].sort()).toEqual(
      ['ScimFunction', 'HrWebhook', 'AdminApi', 'AuditApi', 'Console'].map((id) => JSON.stringify({ 'Fn::GetAtt': [functionLogicalId(service, id as FunctionId), 'Arn'] })).sort(),
    );
  });

  it('throttles the stage, traces it, logs every request (no headers, no bodies) and failed ones in detail', () => {
    // Act
    const stages = Object.entries(service.findResources('AWS::ApiGateway::Stage'));
    const [, stage] = stages[0] as [string, Resource & { DependsOn?: string[] }];
    const format = (stage.Properties.AccessLogSetting as { Format: string }).Format;
    const accessLogsId = Object.keys(service.findResources('AWS::Logs::LogGroup')).find((id) => /^ApiAccessLogs[0-9A-F]{8}$/.test(id));
    const executionLogs = Object.entries(service.findResources('AWS::Logs::LogGroup')).find(([id]) => /^ApiExecutionLogs[0-9A-F]{8}$/.test(id));

    // Assess
    expect(stages).toHaveLength(1);
    expect(stage.Properties).toMatchObject({
      StageName: 'api',
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [accessLogsId, 'Arn'] } },
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, LoggingLevel: 'ERROR', DataTraceEnabled: false },
      ],
    });
    // One JSON object per request (API Gateway quotes and escapes the error message itself).
    const line = JSON.parse(format.replace('$context.error.messageString', '"-"')) as Record<string, string>;
    expect(line).toMatchObject({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', status: '$context.status', wafResponseCode: '$context.wafResponseCode' });
    expect(format).not.toMatch(/header|authorization|requestOverride|body|userAgent/i);
    // The execution log group exists, with a retention period, before the stage logs to it.
    expect(executionLogs?.[1].Properties.RetentionInDays).toBe(365);
    expect(JSON.stringify(executionLogs?.[1].Properties.LogGroupName)).toContain('API-Gateway-Execution-Logs_');
    expect(stage.DependsOn).toContain(executionLogs?.[0]);
    expect(resources(service)[accessLogsId as string]?.Properties.RetentionInDays).toBe(365);
    // REST API logging needs the region's API Gateway account role; it is set, and kept on delete.
    service.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
  });

  it('takes the stage throttle from rateLimit', () => {
    // Act
    const { service: custom } = synth({ service: { rateLimit: 10 } });

    // Assess
    custom.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 })] });
  });

  it('outputs the stage’s URLs: ScimBaseUrl, ApiUrl and ConsoleUrl, each under /api', () => {
    // Act
    const outputs = service.toJSON().Outputs as Record<string, { Value: { 'Fn::Join': [string, unknown[]] } }>;
    const rendered = (name: string): string =>
      (outputs[name]?.Value['Fn::Join'][1] ?? []).map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part)}>`)).join('');
    const apiId = Object.keys(service.findResources('AWS::ApiGateway::RestApi'))[0] as string;
    const base = `https://<{"Ref":"${apiId}"}>.execute-api.${env.region}.<{"Ref":"AWS::URLSuffix"}>/api`;

    // Assess: what the functions see as rawPath (requestContext.path) starts with /api too.
    expect(rendered('ApiUrl')).toBe(base);
    expect(rendered('ScimBaseUrl')).toBe(`${base}/scim/v2`);
    expect(rendered('ConsoleUrl')).toBe(`${base}/console`);
    // RestApi's own Endpoint output (with a trailing slash) is not there to confuse.
    expect(Object.keys(outputs).filter((name) => name.startsWith('ApiRestApiEndpoint'))).toEqual([]);
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

  it('queues steps on two FIFO queues, KMS-encrypted, TLS only, each redriving to its own FIFO dead-letter queue', () => {
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      // Act
      const queue = resources(service)[queueLogicalId(service, id, 'Queue')] as Resource;
      const deadLetterId = queueLogicalId(service, id, 'DeadLetters');
      const deadLetters = resources(service)[deadLetterId] as Resource;

      // Assess
      expect(queue.Properties).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
        // Six times the worker timeout.
        VisibilityTimeout: 6 * (functionOf(service, 'FanoutWorker').Properties.Timeout as number),
        MessageRetentionPeriod: 14 * 24 * 3600,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] }, maxReceiveCount: 1000 },
      });
      expect(deadLetters.Properties).toMatchObject({ FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      for (const encrypted of [queue, deadLetters]) {
        expect(JSON.stringify(encrypted.Properties.KmsMasterKeyId)).toContain('DataKey');
      }
      for (const logicalId of [queueLogicalId(service, id, 'Queue'), deadLetterId]) {
        service.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('consumes each queue with its own worker, reporting batch item failures, at bounded concurrency', () => {
    for (const [id, queue] of [
      ['FanoutWorker', 'StepQueue'],
      ['LockoutWorker', 'LockoutQueue'],
    ] as const) {
      service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: functionLogicalId(service, id) },
        EventSourceArn: { 'Fn::GetAtt': [queueLogicalId(service, queue, 'Queue'), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 20 },
      });
    }
    service.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
  });

  it('takes the workers’ concurrency from fanoutConcurrency, and refuses what Lambda would', () => {
    // Act
    const { service: custom } = synth({ service: { fanoutConcurrency: 50 } });

    // Assess
    custom.allResourcesProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 50 } });
    expect(() => synth({ service: { fanoutConcurrency: 1 } })).toThrow(/fanoutConcurrency must be a whole number from 2 to 1000/);
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
    expect(functionOf(service, 'AuditApi').Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 29 });
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

  it('has EventBridge Scheduler invoke the scheduled-job function: recovery every 5 minutes, reconciliation daily', () => {
    // Act
    const job = functionLogicalId(service, 'ScheduledJob');
    const roles = service.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
    });

    // Assess: one role, confined to this account's schedules, allowed to invoke only that function.
    expect(Object.keys(roles)).toHaveLength(1);
    const roleId = Object.keys(roles)[0] as string;
    expect(JSON.stringify(roles[roleId])).toContain('aws:SourceAccount');
    const roleStatements = policyStatements(service, roleId);
    expect([...new Set(actionsOf(roleStatements))]).toEqual(['lambda:InvokeFunction']);
    expect(statementsOn(roleStatements, job)).toEqual(roleStatements);
    for (const [task, expression] of [
      ['recover', 'rate(5 minutes)'],
      ['reconcile', 'rate(1 day)'],
    ] as const) {
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [job, 'Arn'] }, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] }, Input: JSON.stringify({ task }) },
      });
    }
    // The recurring schedules stay in the default group, out of reach of the engine's permissions.
    service.allResourcesProperties('AWS::Scheduler::Schedule', { GroupName: Match.absent() });
  });

  it('stores the engine config in an advanced-tier parameter: {} by default, the operator’s JSON otherwise', () => {
    // Act
    const { stateful: configured, service: configuredService } = synth({
      engineConfig: { text: JSON.stringify(validConfig, null, 2), origin: 'perimeter.json' },
    });

    // Assess
    stateful.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Tier: 'Advanced', Value: '{}' });
    configured.hasResourceProperties('AWS::SSM::Parameter', { Tier: 'Advanced', Value: JSON.stringify(validConfig) });
    // The reconciliation interval comes from the config.
    configuredService.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(6 hours)', State: 'ENABLED' });
  });

  it('deploys the example config (examples/perimeter.example.json) within the parameter’s 8 KB', () => {
    // Arrange
    const text = readFileSync('examples/perimeter.example.json', 'utf8');

    // Act
    const { stateful: example } = synth({ engineConfig: { text, origin: 'examples/perimeter.example.json' } });

    // Assess
    example.hasResourceProperties('AWS::SSM::Parameter', { Value: JSON.stringify(JSON.parse(text)) });
  });

  it('refuses at synth time a config local mode would refuse, naming the rule', () => {
    expect(() => synth({ engineConfig: { text: JSON.stringify(badConfig), origin: 'perimeter.json' } })).toThrow(
      'Config perimeter.json is invalid:\n- policy.rules[1].grant[0].app (rule "sales-slack"): "slack" is not a configured connector',
    );
    expect(() => synth({ engineConfig: { text: '{"connectors": [', origin: 'perimeter.json' } })).toThrow(
      /^Config file perimeter\.json is not valid JSON: /,
    );
    const tooBig = { description: 'x'.repeat(9000) };
    expect(() => synth({ engineConfig: { text: JSON.stringify(tooBig), origin: 'perimeter.json' } })).toThrow(/holds at most 8192/);
  });

  it('turns the reconciliation schedule off when the config sets intervalMinutes to 0', () => {
    // Act
    const { service: off } = synth({
      engineConfig: { text: JSON.stringify({ reconciliation: { intervalMinutes: 0 } }), origin: 'perimeter.json' },
    });

    // Assess
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"reconcile"}' }, State: 'DISABLED' });
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"recover"}' }, State: 'ENABLED' });
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"checkpoint"}' }, ScheduleExpression: 'rate(1 day)' });
  });
});

describe('AWS WAF on the API stage', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synth());
  });

  /** The one web ACL's rules, by name. */
  function rules(template: Template): Map<string, Record<string, unknown>> {
    const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const list = (acls[0] as Resource).Properties.Rules as Record<string, unknown>[];
    return new Map(list.map((rule) => [rule.Name as string, rule]));
  }

  it('blocks a source IP above 1000 requests in 5 minutes, first, with 429 and Retry-After', () => {
    // Act
    const rateRule = rules(service).get('RateLimitPerIp');

    // Assess
    expect(DEFAULT_WAF_RATE_LIMIT).toBe(1000);
    expect(rateRule).toMatchObject({
      Priority: 0,
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 } },
      Action: {
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests', ResponseHeaders: [{ Name: 'retry-after', Value: '60' }] } },
      },
      VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true },
    });
    service.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      VisibilityConfig: { CloudWatchMetricsEnabled: true },
      CustomResponseBodies: { TooManyRequests: { ContentType: 'APPLICATION_JSON' } },
    });
  });

  it('adds the AWS IP reputation and known bad inputs groups, and not the core rule set that blocks bodies over 8 KB', () => {
    // Act
    const all = rules(service);
    const managed = [...all.values()]
      .map((rule) => (rule.Statement as { ManagedRuleGroupStatement?: { VendorName: string; Name: string } }).ManagedRuleGroupStatement)
      .filter((group) => group !== undefined);

    // Assess
    expect(managed).toEqual([
      { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
      { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' },
    ]);
    for (const rule of all.values()) expect(rule.VisibilityConfig, String(rule.Name)).toMatchObject({ CloudWatchMetricsEnabled: true });
    expect(JSON.stringify(service.toJSON())).not.toContain('AWSManagedRulesCommonRuleSet');
  });

  it('associates the web ACL with the api stage', () => {
    // Act
    const associations = Object.values(service.findResources('AWS::WAFv2::WebACLAssociation'));
    const aclId = Object.keys(service.findResources('AWS::WAFv2::WebACL'))[0];
    const stageId = Object.keys(service.findResources('AWS::ApiGateway::Stage'))[0];
    const apiId = Object.keys(service.findResources('AWS::ApiGateway::RestApi'))[0];

    // Assess
    expect(associations).toHaveLength(1);
    expect(associations[0]?.Properties).toEqual({
      ResourceArn: { 'Fn::Join': ['', [`arn:aws:apigateway:${env.region}::/restapis/`, { Ref: apiId }, '/stages/', { Ref: stageId }]] },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
  });

  it('logs blocked and counted requests to a WAF log group, the Authorization header redacted', () => {
    // Act
    const logging = Object.values(service.findResources('AWS::WAFv2::LoggingConfiguration'));
    const groupId = Object.keys(service.findResources('AWS::Logs::LogGroup')).find((id) => /^FirewallLogs[0-9A-F]{8}$/.test(id)) as string;
    const group = resources(service)[groupId] as Resource;

    // Assess
    expect(logging).toHaveLength(1);
    expect(logging[0]?.Properties).toMatchObject({
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }],
      LoggingFilter: { DefaultBehavior: 'DROP', Filters: [{ Behavior: 'KEEP', Requirement: 'MEETS_ANY' }] },
    });
    expect(JSON.stringify(logging[0]?.Properties.LogDestinationConfigs)).toContain(`{"Ref":"${groupId}"}`);
    expect(JSON.stringify(group.Properties.LogGroupName)).toContain('aws-waf-logs-');
    expect(group.Properties.RetentionInDays).toBe(365);
  });

  it('takes the limit from wafRateLimit, and refuses one AWS WAF would', () => {
    // Act
    const { service: custom } = synth({ service: { wafRateLimit: 5000 } });

    // Assess
    expect(rules(custom).get('RateLimitPerIp')).toMatchObject({ Statement: { RateBasedStatement: { Limit: 5000 } } });
    for (const limit of [9, 1.5, Number.NaN, 2_000_000_001]) {
      expect(() => synth({ service: { wafRateLimit: limit } }), String(limit)).toThrow(ConfigError);
    }
    expect(() => synth({ service: { wafRateLimit: 5 } })).toThrow('wafRateLimit must be a whole number of requests per 5 minutes from 10 to 2000000000');
  });
});

describe('alarms', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors }));
  });

  function topicId(template: Template): string {
    const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    return topics[0] as string;
  }

  /** Every alarm of the stack with its properties. */
  function alarms(template: Template): Resource[] {
    return Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
  }

  it('sends every alarm, into alarm and back to OK, to one topic', () => {
    // Act
    const all = alarms(service);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const alarm of all) {
      expect(alarm.Properties.AlarmActions, String(alarm.Properties.AlarmDescription)).toEqual([{ Ref: topicId(service) }]);
      expect(alarm.Properties.OKActions, String(alarm.Properties.AlarmDescription)).toEqual([{ Ref: topicId(service) }]);
    }
    service.hasOutput('AlarmTopicArn', { Value: { Ref: topicId(service) } });
  });

  it('encrypts the topic with a rotated key of its own that CloudWatch may use, and refuses publishing without TLS', () => {
    // Act
    const topic = resources(service)[topicId(service)] as Resource;
    const keyId = (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const key = resources(service)[keyId] as Resource;
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Statement[] & { Principal?: unknown }[] }).Statement;
    const topicPolicy = Object.values(service.findResources('AWS::SNS::TopicPolicy'))[0] as Resource;
    const topicStatements = (topicPolicy.Properties.PolicyDocument as { Statement: (Statement & { Principal?: unknown })[] }).Statement;

    // Assess
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(keyStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': env.account } },
        }),
      ]),
    );
    expect(topicStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
      ]),
    );
  });

  it('alarms on every function’s Errors and Throttles', () => {
    // Act
    const functionIds = Object.keys(service.findResources('AWS::Lambda::Function'));

    // Assess: every function of the stack, Retention and RotateSecret included.
    expect(functionIds).toHaveLength(10);
    for (const functionId of functionIds) {
      for (const metricName of ['Errors', 'Throttles']) {
        const matching = alarms(service).filter(
          (alarm) =>
            alarm.Properties.Namespace === 'AWS/Lambda' &&
            alarm.Properties.MetricName === metricName &&
            JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
        );
        expect(matching, `${functionId} ${metricName}`).toHaveLength(1);
        expect(matching[0]?.Properties).toMatchObject({
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('alarms as soon as either dead-letter queue holds a message', () => {
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      // Act
      const deadLetterId = queueLogicalId(service, id, 'DeadLetters');
      const matching = alarms(service).filter(
        (alarm) =>
          alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterId, 'QueueName'] } }]),
      );

      // Assess: more than 0 messages, i.e. at least 1.
      expect(matching, id).toHaveLength(1);
      expect(matching[0]?.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    // The step queues themselves have no such alarm: messages there are work, not failures.
    for (const id of ['StepQueue', 'LockoutQueue'] as const) {
      expect(JSON.stringify(alarms(service))).not.toContain(`"${queueLogicalId(service, id, 'Queue')}","QueueName"`);
    }
  });

  it('alarms on the API stage’s 5XX responses, and routes the rotation failure alarm to the topic too', () => {
    // Act
    const apiId = Object.keys(service.findResources('AWS::ApiGateway::RestApi'))[0];
    const serverErrors = alarms(service).filter((alarm) => alarm.Properties.MetricName === '5XXError');
    const rotation = alarms(service).filter((alarm) => alarm.Properties.MetricName === 'RotationFailures');

    // Assess
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]?.Properties).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 1, TreatMissingData: 'notBreaching' });
    expect(JSON.stringify(serverErrors[0]?.Properties.Dimensions)).toContain('"Name":"ApiName"');
    expect(JSON.stringify(serverErrors[0]?.Properties.Dimensions)).toContain('"Name":"Stage"');
    expect(apiId).toBeDefined();
    expect(rotation).toHaveLength(1);
    expect(rotation[0]?.Properties.AlarmActions).toEqual([{ Ref: topicId(service) }]);
  });

  it('subscribes alarmEmail to the topic, only when given, and refuses what is not an address', () => {
    // Act
    const { service: subscribed } = synth({ service: { alarmEmail: 'oncall@example.com' } });

    // Assess
    service.resourceCountIs('AWS::SNS::Subscription', 0);
    subscribed.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId(subscribed) } });
    expect(() => synth({ service: { alarmEmail: 'oncall' } })).toThrow(ConfigError);
  });
});

describe('cdk-nag (AwsSolutions checks)', () => {
  /** The checks' findings on a synthesised app: what `cdk synth` would refuse (errors) or print (warnings). */
  function nagFindings(app: App): string[] {
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`));
  }

  /** Every acknowledgment in the tree: where, which rule, why. */
  function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
    return root.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        // CDK stores each id with a namespace prefix ("Annotation::").
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
    );
  }

  it('finds no unacknowledged error or warning with the defaults', () => {
    // Arrange
    const { app } = synth({ service: { alarmEmail: 'oncall@example.com' } });

    // Act & Assess
    expect(nagFindings(app)).toEqual([]);
  });

  it('finds none with retention, a rotating credential and every context setting either', () => {
    // Arrange
    const { app } = synth({
      engineConfig: { text: JSON.stringify({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors }), origin: 'perimeter.json' },
      stateful: { archiveRetentionDays: 3650 },
      service: { rateLimit: 10, wafRateLimit: 2000, fanoutConcurrency: 30, alarmEmail: 'oncall@example.com' },
    });

    // Act & Assess
    expect(nagFindings(app)).toEqual([]);
  });

  it('still finds what is not acknowledged (the checks run and acknowledgments are specific)', () => {
    // Arrange: a wildcard no acknowledgment covers, in the service stack.
    const { app, serviceStack } = synth();
    serviceStack.scimFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));

    // Act
    const findings = nagFindings(app);

    // Assess
    expect(findings).toEqual([expect.stringMatching(/^error AwsSolutions-IAM5\[Action::sqs:\*\] at TestService\/ScimFunction\//)]);
  });

  it('acknowledges every exception on the resources it concerns, with a written reason, and none for a whole stack', () => {
    // Arrange
    const { app } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors });

    // Act
    const all = acknowledgments(app);
    const stackPaths = app.node.children.filter((child) => child instanceof Stack).map((stack) => stack.node.path);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { path, id, reason } of all) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(60);
      expect(stackPaths, `${id} acknowledged for a whole stack`).not.toContain(path);
    }
    // No blanket IAM5: each wildcard finding is acknowledged by its exact action or resource.
    expect(all.filter(({ id }) => id === 'AwsSolutions-IAM5')).toEqual([]);
    // The API's authorization exceptions sit on the REST API, not on the functions.
    expect(all.filter(({ id }) => /^AwsSolutions-(APIG\d|COG4)$/.test(id)).map(({ path }) => path)).toEqual(Array(3).fill('TestService/Api/RestApi'));
  });

  it('reaches "*" only with X-Ray, as the acknowledgment of IAM5[Resource::*] says', () => {
    // Arrange
    const { service } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors });

    // Act
    const everyStar = policyStatements(service).filter((statement) => statement.Resource === '*' || JSON.stringify(statement.Resource) === '["*"]');

    // Assess
    expect(everyStar.length).toBeGreaterThan(0);
    expect([...new Set(actionsOf(everyStar))].sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
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
    const filters = Object.values(service.findResources('AWS::Logs::MetricFilter'));
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

describe('the console bundle', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'perimeter-console-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('holds the static files beside the handler, and the bundled handler serves them', async () => {
    // Arrange: the service stack's console function, alone in a stack, bundled for real by esbuild.
    const outdir = join(workDir, 'cdk.out');
    const app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': ['ConsoleBundle'] } });
    const stack = new Stack(app, 'ConsoleBundle', { env });
    new PerimeterFunction(stack, 'Console', CONSOLE_FUNCTION);

    // Act
    app.synth();
    const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties.Code as { S3Key: string };
    const assetHash = code.S3Key.replace(/\.zip$/, '');
    const manifest = JSON.parse(await readFile(join(outdir, 'ConsoleBundle.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const source = manifest.files[assetHash]?.source;
    const assetDir = join(outdir, source?.path ?? 'missing');

    // Assess: the zip Lambda gets is this directory, the bundle with static/ next to it.
    expect(source?.packaging).toBe('zip');
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    for (const file of ['index.html', 'app.js', 'app.css']) {
      expect(await readFile(join(assetDir, 'static', file), 'utf8'), file).toBe(readFileSync(join('functions/console/static', file), 'utf8'));
    }
    // The bundle's createConsoleHandler finds them at cold start (static/ beside import.meta.url), behind restApiHandler.
    const probe = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)});
      // REST API proxy events, as the api stage sends them (requestContext.path carries the stage).
      const get = (path) => handler({
        resource: '/console/{proxy+}', path, httpMethod: 'GET', headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
        multiValueHeaders: { Host: ['abc.execute-api.eu-west-1.amazonaws.com'] }, queryStringParameters: null,
        multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false,
        requestContext: { path: '/api' + path, httpMethod: 'GET', stage: 'api', requestId: 'probe', protocol: 'HTTP/1.1',
          requestTimeEpoch: 0, identity: { sourceIp: '127.0.0.1' }, accountId: '123456789012', apiId: 'abc' },
      }, {});
      const results = await Promise.all(['/console', '/console/app.js', '/console/app.css'].map(get));
      process.stdout.write(JSON.stringify(results.map((r) => ({ statusCode: r.statusCode, type: r.headers['content-type'], body: r.body }))));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], { cwd: workDir });
    const [shell, script, style] = JSON.parse(stdout) as { statusCode: number; type: string; body: string }[];
    expect(shell).toMatchObject({ statusCode: 200, type: 'text/html; charset=utf-8' });
    expect(shell?.body).toMatch(/console\/app\.js\?v=[0-9a-f]{16}"/);
    expect(script).toMatchObject({ statusCode: 200, body: readFileSync('functions/console/static/app.js', 'utf8') });
    expect(style).toMatchObject({ statusCode: 200, body: readFileSync('functions/console/static/app.css', 'utf8') });
  }, 30_000);
});

describe('infra/app.ts (the entry `npx cdk synth` runs)', () => {
  const run = promisify(execFile);
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'perimeter-cdk-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Runs the app as the CDK CLI would (context and output directory in the environment), bundling skipped. */
  async function synthApp(context: Record<string, unknown>): Promise<{ outdir: string; stderr: string; code: number }> {
    const outdir = await mkdtemp(join(workDir, 'out-'));
    try {
      const { stderr } = await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context }),
          CDK_DEFAULT_ACCOUNT: env.account,
          CDK_DEFAULT_REGION: env.region,
        },
      });
      return { outdir, stderr, code: 0 };
    } catch (error) {
      const failure = error as { stderr: string; code: number };
      return { outdir, stderr: failure.stderr, code: failure.code };
    }
  }

  it('builds both stacks from a config file and the context settings', async () => {
    // Arrange
    const configFile = join(workDir, 'perimeter.json');
    await writeFile(configFile, JSON.stringify(validConfig));

    // Act
    const result = await synthApp({ configFile, stackPrefix: 'Acme', fanoutConcurrency: '30', wafRateLimit: '2500', alarmEmail: 'oncall@example.com' });

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(result.outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const stacks = Object.entries(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack').map(([name]) => name);
    expect(stacks.sort()).toEqual(['AcmeService', 'AcmeStateful']);
    const statefulTemplate = await readFile(join(result.outdir, 'AcmeStateful.template.json'), 'utf8');
    const serviceTemplate = await readFile(join(result.outdir, 'AcmeService.template.json'), 'utf8');
    expect(statefulTemplate).toContain(JSON.stringify(JSON.stringify(validConfig)));
    expect(serviceTemplate).toContain('"MaximumConcurrency": 30');
    expect(serviceTemplate).toContain('"Limit": 2500');
    expect(serviceTemplate).toContain('"Endpoint": "oncall@example.com"');
    // The app runs the AwsSolutions checks at synth; a finding would have failed it, and none is reported.
    const report = JSON.parse(await readFile(join(result.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  }, 60_000);

  it('fails the synth on an impossible wafRateLimit, naming the setting', async () => {
    // Act
    const tooLow = await synthApp({ stackPrefix: 'Low', wafRateLimit: '5' });

    // Assess
    expect(tooLow.code).not.toBe(0);
    expect(tooLow.stderr).toContain('Perimeter cannot be synthesised: wafRateLimit must be a whole number of requests per 5 minutes from 10 to 2000000000');
  }, 60_000);

  it('fails the synth on an invalid config file, naming the rule', async () => {
    // Arrange
    const configFile = join(workDir, 'bad.json');
    await writeFile(configFile, JSON.stringify(badConfig));

    // Act
    const result = await synthApp({ configFile });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Config ${configFile} is invalid`);
    expect(result.stderr).toContain('(rule "sales-slack"): "slack" is not a configured connector');
  }, 60_000);

  it('fails the synth on a credential secret outside perimeter/, naming the connector', async () => {
    // Arrange
    const configFile = join(workDir, 'outside.json');
    await writeFile(configFile, JSON.stringify({ connectors: [{ ...rotationConfig.connectors[0], credential: { secret: 'github-token' } }] }));

    // Act
    const result = await synthApp({ configFile });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Perimeter cannot be synthesised: Config ${configFile} cannot be deployed:`);
    expect(result.stderr).toContain('connectors[0].credential.secret (connector "github"): "github-token" must start with "perimeter/"');
  }, 60_000);

  it('locks archive objects for archiveRetentionDays from the context, and fails the synth on an impossible period', async () => {
    // Act
    const tenYears = await synthApp({ stackPrefix: 'Lock', archiveRetentionDays: '3650' });
    const forever = await synthApp({ stackPrefix: 'Never', archiveRetentionDays: 'forever' });

    // Assess
    expect(tenYears.code, tenYears.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(tenYears.outdir, 'LockStateful.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
    expect(template.Resources.ArchiveBucket?.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
    });
    expect(forever.code).not.toBe(0);
    expect(forever.stderr).toContain('Perimeter cannot be synthesised: archiveRetentionDays must be a whole number of days from 1 to 36500');
  }, 60_000);

  it('fails the synth when the config file cannot be read', async () => {
    // Act
    const result = await synthApp({ configFile: join(workDir, 'missing.json') });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Cannot read config file ${join(workDir, 'missing.json')}`);
  }, 60_000);
});
