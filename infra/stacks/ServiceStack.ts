import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { PerimeterFunction } from '../constructs/PerimeterFunction.js';
import type { StatefulStack } from './StatefulStack.js';

export interface ServiceStackProps extends StackProps {
  readonly stateful: StatefulStack;
  /** Requests per second the API accepts before throttling (burst is twice this). */
  readonly rateLimit?: number;
}

/** The API and the functions behind it; stateless, safe to replace. */
export class ServiceStack extends Stack {
  public readonly api: apigw.HttpApi;
  public readonly scimFunction: lambda.IFunction;

  public constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stateful } = props;

    const scim = new PerimeterFunction(this, 'ScimFunction', {
      entry: 'functions/scim/handler.ts',
      description: 'Perimeter SCIM 2.0 service provider',
      environment: {
        DIRECTORY_TABLE: stateful.directory.tableName,
        LEDGER_TABLE: stateful.ledger.tableName,
        SCIM_TOKENS_SECRET_ID: stateful.scimTokens.secretArn,
      },
    });
    stateful.directory.grantReadWriteData(scim.function);
    // The ledger is append-only: this function may read chains and add events, never change them.
    stateful.ledger.grant(scim.function, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
    stateful.key.grantEncryptDecrypt(scim.function);
    stateful.scimTokens.grantRead(scim.function);
    this.scimFunction = scim.function;

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Perimeter: SCIM, HR webhooks, admin and audit APIs',
      createDefaultStage: false,
    });
    const rate = props.rateLimit ?? 50;
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: rate, burstLimit: rate * 2 },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    const scimIntegration = new HttpLambdaIntegration('ScimIntegration', scim.function);
    this.api.addRoutes({ path: '/scim/v2', methods: [apigw.HttpMethod.ANY], integration: scimIntegration });
    this.api.addRoutes({ path: '/scim/v2/{proxy+}', methods: [apigw.HttpMethod.ANY], integration: scimIntegration });
    new CfnOutput(this, 'ScimBaseUrl', {
      description: 'Give this to the IdP as the SCIM base URL (Okta) or tenant URL (Entra ID)',
      value: `${this.api.apiEndpoint}/scim/v2`,
    });
  }
}
