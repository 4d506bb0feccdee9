import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { type EngineFunctionGroupProps, NO_DUTIES } from './EngineFunctions.js';

/**
 * The engine functions behind the SCIM, HR webhook and admin routes. Each records what comes in
 * and plans it, so each may queue steps and schedule one-time jobs; each reads only its own token
 * secret. Built through `engine`, so in its scope (the service stack), keeping their logical ids.
 */
export class IngressFunctions {
  public readonly scim: lambda.IFunction;
  public readonly hrWebhook: lambda.IFunction;
  public readonly admin: lambda.IFunction;

  public constructor(props: EngineFunctionGroupProps) {
    const { engine, stateful } = props;

    // Every recorded lifecycle event becomes steps on the queues. Planning uses the connectors'
    // declared capabilities only, so SCIM reads no connector credentials.
    this.scim = engine.add('ScimFunction', { ...NO_DUTIES, plans: true }, {
      entry: 'functions/scim/handler.ts',
      description: 'Perimeter SCIM 2.0 service provider',
      environment: { ...engine.environment, SCIM_TOKENS_SECRET_ID: stateful.scimTokens.secretArn },
    }).function;
    stateful.scimTokens.grantRead(this.scim);

    // The webhooks' signing secrets are named under perimeter/ (the config's `webhooks`).
    this.hrWebhook = engine.add('HrWebhook', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true }, {
      entry: 'functions/hr-webhook/handler.ts',
      description: 'Perimeter HR webhooks (joiner, mover, leaver events)',
      environment: engine.environment,
    }).function;

    // Rotate now (POST /admin/connectors/{id}/rotate) asks Secrets Manager to run the rotation function.
    this.admin = engine.add('AdminApi', { ...NO_DUTIES, plans: true, readsPerimeterSecrets: true, requestsRotation: true }, {
      entry: 'functions/admin-api/handler.ts',
      description: 'Perimeter admin API (plan preview, kill switch, connectors, dead letters, reconcile, rotate now)',
      environment: { ...engine.environment, ADMIN_TOKENS_SECRET_ID: stateful.adminTokens.secretArn },
    }).function;
    stateful.adminTokens.grantRead(this.admin);
  }
}
