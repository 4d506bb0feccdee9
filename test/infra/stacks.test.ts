import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { directoryTable, ledgerTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { ServiceStack } from '../../infra/stacks/ServiceStack.js';
import { StatefulStack } from '../../infra/stacks/StatefulStack.js';

function synth(): { stateful: Template; service: Template } {
  const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  // Skip esbuild bundling: these tests are about the templates, not the bundle.
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  // TableV2 with a customer-managed key renders per-region replica settings, so it needs a region.
  const env = { account: '123456789012', region: 'eu-west-1' };
  const stateful = new StatefulStack(app, 'TestStateful', { env });
  const service = new ServiceStack(app, 'TestService', { env, stateful });
  return { stateful: Template.fromStack(stateful), service: Template.fromStack(service) };
}

describe('CDK stacks', () => {
  let stateful: Template;
  let service: Template;
  beforeAll(() => {
    ({ stateful, service } = synth());
  });

  it('pins the logical ids of every stateful resource (a changed id would replace the data)', () => {
    // Act
    const resources = stateful.toJSON().Resources as Record<string, { Type: string }>;

    // Assess
    expect(resources.DataKey?.Type).toBe('AWS::KMS::Key');
    expect(resources.DirectoryTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(resources.LedgerTable?.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(resources.ScimTokens?.Type).toBe('AWS::SecretsManager::Secret');
  });

  it('retains, protects, encrypts and backs up every table, with the keys the code queries', () => {
    for (const [logicalId, definition] of [
      ['DirectoryTable', directoryTable],
      ['LedgerTable', ledgerTable],
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
      expect(table.Properties.GlobalSecondaryIndexes.map((index: { IndexName: string }) => index.IndexName)).toEqual(
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

  it('runs the SCIM function on Node.js 22, arm64, with tracing, behind /scim/v2', () => {
    service.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 29,
    });
    service.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /scim/v2/{proxy+}' });
    service.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /scim/v2' });
    service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('lets the SCIM function append to the ledger but never update or delete an event', () => {
    // Act
    const policies = Object.values(service.findResources('AWS::IAM::Policy')) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    }[];
    const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const ledgerStatements = statements.filter((statement) => JSON.stringify(statement.Resource).includes('LedgerTable'));
    const ledgerActions = ledgerStatements.flatMap((statement) => [statement.Action].flat());

    // Assess
    expect(ledgerActions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:GetItem']));
    expect(ledgerActions).not.toContain('dynamodb:UpdateItem');
    expect(ledgerActions).not.toContain('dynamodb:DeleteItem');
    expect(ledgerActions.some((action) => action.includes('*'))).toBe(false);
    service.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DIRECTORY_TABLE: Match.anyValue(), LEDGER_TABLE: Match.anyValue() }) },
    });
  });
});
