import { CfnOutput, CfnResource, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { directoryTable, ledgerTable, type TableDefinition } from '../../lib/adapters/dynamodb/tableDefinitions.js';

/**
 * Everything that holds data: tables, their key, the SCIM token hashes. Deployed separately from
 * the service so a service change can never replace it; every resource is retained on delete, and
 * logical ids are pinned (test/infra) because a changed id would mean a new, empty table.
 */
export class StatefulStack extends Stack {
  public readonly key: kms.Key;
  public readonly directory: dynamodb.TableV2;
  public readonly ledger: dynamodb.TableV2;
  public readonly scimTokens: secretsmanager.Secret;

  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'DataKey', {
      description: 'Perimeter: encrypts directory, ledger and secrets at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pin(this.key, 'DataKey');
    this.directory = this.table(directoryTable);
    this.ledger = this.table(ledgerTable);
    // Holds only SHA-256 hashes of SCIM bearer tokens ({"tokens":[{"label","sha256"}]}); the
    // plaintext tokens are handed to the IdP and never stored. See README "Deploying to AWS".
    // Encrypted with the Secrets Manager managed key: a customer key here would need a key-policy
    // grant to the service stack's role, a cross-stack cycle, to protect data that is not secret.
    this.scimTokens = new secretsmanager.Secret(this, 'ScimTokens', {
      description: 'Perimeter: SHA-256 hashes of the bearer tokens the SCIM API accepts',
      secretStringValue: SecretValue.unsafePlainText('{"tokens":[]}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pin(this.scimTokens, 'ScimTokens');
    new CfnOutput(this, 'ScimTokensSecretArn', {
      description: 'Put the SHA-256 hashes of SCIM bearer tokens here (npm run perimeter -- token new)',
      value: this.scimTokens.secretArn,
    });
  }

  private table(definition: TableDefinition): dynamodb.TableV2 {
    const attribute = (key: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
      name: key.name,
      type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
    });
    const table = new dynamodb.TableV2(this, `${definition.id}Table`, {
      partitionKey: attribute(definition.partitionKey),
      sortKey: attribute(definition.sortKey),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
      })),
    });
    pin(table, `${definition.id}Table`);
    return table;
  }
}

function pin(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
