import { Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { NAG_REASONS } from '../nag/nagReasons.js';

/** Every URL starts with it (https://<api>.execute-api.<region>.amazonaws.com/api/...). */
export const API_STAGE_NAME = 'api';

/** The functions behind the API's routes; each serves REST API proxy events (functions/shared/restApiHandler.ts). */
export interface PerimeterApiRoutes {
  readonly scim: lambda.IFunction;
  readonly hrWebhook: lambda.IFunction;
  readonly admin: lambda.IFunction;
  readonly audit: lambda.IFunction;
  readonly console: lambda.IFunction;
}

export interface PerimeterApiProps {
  readonly routes: PerimeterApiRoutes;
  /** Requests per second the stage accepts before throttling; the burst is twice this. */
  readonly rateLimit: number;
  /** Where the stage writes one JSON line per request. */
  readonly accessLogs: logs.ILogGroup;
}

/**
 * One line per request, JSON. Never a header or body: bearer tokens and personal data stay out of
 * the logs; nor the user agent, which the client writes and API Gateway does not escape, so a quote
 * in it would forge fields. API Gateway requires $context.requestId; wafResponseCode says which
 * requests AWS WAF blocked; error.messageString comes quoted and escaped by API Gateway.
 */
const ACCESS_LOG_FORMAT = `{${[
  '"requestId":"$context.requestId"',
  '"ip":"$context.identity.sourceIp"',
  '"requestTime":"$context.requestTime"',
  '"httpMethod":"$context.httpMethod"',
  '"path":"$context.path"',
  '"resourcePath":"$context.resourcePath"',
  '"protocol":"$context.protocol"',
  '"status":"$context.status"',
  '"responseLength":"$context.responseLength"',
  '"responseLatency":"$context.responseLatency"',
  '"integrationStatus":"$context.integration.status"',
  '"integrationLatency":"$context.integration.latency"',
  '"wafResponseCode":"$context.wafResponseCode"',
  '"error":$context.error.messageString',
].join(',')}}`;

/**
 * The public API: a regional REST API with Lambda proxy routes to the SCIM, HR webhook, admin, audit
 * and console functions, stage throttling, access and error logging, and X-Ray tracing.
 *
 * A REST API rather than an HTTP API because AWS WAF (ApiFirewall) can protect a REST API stage and
 * not an HTTP API. The functions keep reading HTTP API events; restApiHandler converts.
 */
export class PerimeterApi extends Construct {
  public readonly api: apigw.RestApi;
  public readonly stage: apigw.Stage;
  /** The stage's base URL, without a trailing slash: append /scim/v2, /hooks/hr/<source>, /admin/..., /audit/..., /console. */
  public readonly url: string;
  /** API Gateway's execution log group (errors only), created here so that it has a retention period. */
  public readonly executionLogs: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: PerimeterApiProps) {
    super(scope, id);
    const { routes } = props;
    if (!Number.isFinite(props.rateLimit) || props.rateLimit <= 0) {
      throw new ConfigError(`apiRateLimit must be a positive number of requests per second, not ${props.rateLimit}`);
    }

    this.api = new apigw.RestApi(this, 'RestApi', {
      description: 'Perimeter: SCIM, HR webhooks, admin and audit APIs, auditor console',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // A deployment whose routes API Gateway would accept only with warnings fails instead.
      failOnWarnings: true,
      // REST API stages log to CloudWatch only through the region's API Gateway account role (HTTP
      // APIs need none); this creates it and sets it, and the stack's deletion leaves it in place
      // (CDK's default RETAIN), since other APIs in the account may log through it too.
      cloudWatchRole: true,
      deployOptions: {
        stageName: API_STAGE_NAME,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.rateLimit * 2,
        accessLogDestination: new apigw.LogGroupLogDestination(props.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        tracingEnabled: true,
        // Execution logs of failed requests only (an integration timeout, a function that crashed);
        // never data traces, which would log full requests, tokens and personal data included.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: false,
      },
    });
    this.stage = this.api.deploymentStage;
    // RestApi's own "Endpoint" output ends in a slash; the service stack outputs ApiUrl instead.
    this.api.node.tryRemoveChild('Endpoint');
    this.url = `https://${this.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${API_STAGE_NAME}`;

    // API Gateway would create this group itself at the first error, without retention. The name
    // is API Gateway's; the API's id in it is new with every API, so it never collides.
    this.executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE_NAME}`,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    this.stage.node.addDependency(this.executionLogs);

    // A path or method with no route is API Gateway's 403 "Missing Authentication Token" otherwise,
    // which reads like a token problem to an IdP administrator; an HTTP API answered 404.
    this.api.addGatewayResponse('NoRoute', {
      type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      templates: { 'application/json': '{"message":"Not found"}' },
    });

    // One permission per route, for this stage only; no console test-invoke permissions.
    const integration = (fn: lambda.IFunction): apigw.LambdaIntegration => new apigw.LambdaIntegration(fn, { allowTestInvoke: false });
    const root = this.api.root;
    const scim = integration(routes.scim);
    const scimRoot = root.addResource('scim').addResource('v2');
    scimRoot.addMethod('ANY', scim);
    scimRoot.addResource('{proxy+}').addMethod('ANY', scim);
    root.addResource('hooks').addResource('hr').addResource('{source}').addMethod('POST', integration(routes.hrWebhook));
    root.addResource('admin').addResource('{proxy+}').addMethod('ANY', integration(routes.admin));
    // Read-only: GET only, so any other method is the gateway's 404 before a function runs.
    root.addResource('audit').addResource('{proxy+}').addMethod('GET', integration(routes.audit));
    const consoleIntegration = integration(routes.console);
    const consoleRoot = root.addResource('console');
    consoleRoot.addMethod('GET', consoleIntegration);
    consoleRoot.addResource('{proxy+}').addMethod('GET', consoleIntegration);

    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG2', reason: NAG_REASONS.apiRequestValidation },
      { id: 'AwsSolutions-APIG4', reason: NAG_REASONS.apiAuthorization },
      { id: 'AwsSolutions-COG4', reason: NAG_REASONS.apiAuthorization },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: NAG_REASONS.apiGatewayCloudWatchRole,
      },
    );
  }
}
