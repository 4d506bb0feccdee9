import type { Template } from 'aws-cdk-lib/assertions';
import { expect } from 'vitest';

// Reading synthesised templates: resources by the construct id the service stack gives them, and
// the IAM statements that reach them.

export type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The engine functions, by the construct id the service stack gives them. */
export const ENGINE_FUNCTIONS = ['ScimFunction', 'HrWebhook', 'AdminApi', 'ScheduledJob', 'FanoutWorker', 'LockoutWorker', 'RotateSecret'] as const;
export type EngineFunctionId = (typeof ENGINE_FUNCTIONS)[number];
/** The auditor's side: the read-only audit API (an engine that only reads) and the console (no engine); ledger retention. */
export type FunctionId = EngineFunctionId | 'AuditApi' | 'Console' | 'Retention';
/** The functions that plan (queue steps, schedule one-time jobs). */
export const PLANNERS: readonly EngineFunctionId[] = ['ScimFunction', 'HrWebhook', 'AdminApi', 'ScheduledJob'];
export const WORKERS: readonly EngineFunctionId[] = ['FanoutWorker', 'LockoutWorker'];
/** The functions that may ask Secrets Manager to rotate a credential now. */
export const ROTATION_REQUESTERS: readonly EngineFunctionId[] = ['AdminApi', 'ScheduledJob', 'FanoutWorker', 'LockoutWorker'];
/** IAM's pattern for every secret under perimeter/ (the name, a dash, Secrets Manager's 6-character suffix). */
export const PERIMETER_SECRETS = ':secret:perimeter/*-??????';
/** Every DynamoDB action that reads (grantReadData's); anything else on a table changes it. */
export const DYNAMODB_READS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];

export function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

/** The logical id of a PerimeterFunction's Lambda (construct id + "Function" + hash). */
export function functionLogicalId(template: Template, id: FunctionId): string {
  const ids = Object.entries(resources(template))
    .filter(([logicalId, resource]) => resource.Type === 'AWS::Lambda::Function' && new RegExp(`^${id}(Function)?[0-9A-F]{8}$`).test(logicalId))
    .map(([logicalId]) => logicalId);
  expect(ids, `the ${id} function`).toHaveLength(1);
  return ids[0] as string;
}

export function functionOf(template: Template, id: FunctionId): Resource {
  return resources(template)[functionLogicalId(template, id)] as Resource;
}

export function environmentOf(template: Template, id: FunctionId): Record<string, unknown> {
  return (functionOf(template, id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** Every statement of every IAM policy in the template, or only those attached to one role. */
export function policyStatements(template: Template, roleLogicalId?: string): Statement[] {
  return Object.values(resources(template))
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => roleLogicalId === undefined || JSON.stringify(policy.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Every statement of every policy attached to the role a function runs as. */
export function statementsOf(template: Template, id: FunctionId): Statement[] {
  return policyStatements(template, (functionOf(template, id).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
}

export function actionsOf(statements: readonly Statement[]): string[] {
  return statements.flatMap((statement) => [statement.Action].flat());
}

export function statementsOn(statements: readonly Statement[], resourceFragment: string): Statement[] {
  return statements.filter((statement) => JSON.stringify(statement.Resource).includes(resourceFragment));
}

export function queueLogicalId(template: Template, id: 'StepQueue' | 'LockoutQueue', part: 'Queue' | 'DeadLetters'): string {
  const pattern = new RegExp(`^${id}${part === 'Queue' ? '' : 'DeadLetters'}[0-9A-F]{8}$`);
  const ids = Object.entries(resources(template))
    .filter(([logicalId, resource]) => resource.Type === 'AWS::SQS::Queue' && pattern.test(logicalId))
    .map(([logicalId]) => logicalId);
  expect(ids, `${id} ${part}`).toHaveLength(1);
  return ids[0] as string;
}

/** The export names a template's outputs offer to other stacks. */
export function exportNames(template: Template): string[] {
  const outputs = (template.toJSON().Outputs ?? {}) as Record<string, { Export?: { Name: string } }>;
  return Object.values(outputs).flatMap((output) => (output.Export ? [output.Export.Name] : []));
}

export interface ApiRoute {
  readonly method: string;
  /** The resource path, e.g. /scim/v2/{proxy+} (below the stage). */
  readonly path: string;
  /** The logical id of the function the route's integration invokes. */
  readonly functionId: string;
  readonly integration: Record<string, unknown>;
}

/** Every method of the REST API, with its full resource path and the function it invokes. */
export function apiRoutes(template: Template): ApiRoute[] {
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
export function importNames(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/"Fn::ImportValue":"([^"]+)"/g)].map((match) => match[1] as string);
}
