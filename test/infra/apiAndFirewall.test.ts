import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { DEFAULT_WAF_RATE_LIMIT } from '../../infra/constructs/ApiFirewall.js';
import { env, synth } from './support/synthStacks.js';
import { apiRoutes, functionLogicalId, resources, type FunctionId, type Resource } from './support/templateQueries.js';

// The REST API (routes, invoke permissions, stage, outputs) and AWS WAF on its stage.

describe('the REST API', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synth());
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
