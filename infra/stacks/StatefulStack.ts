import { CfnOutput, CfnResource, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import {
  accessTable,
  directoryTable,
  ledgerTable,
  operationsTable,
  type TableDefinition,
} from '../../lib/adapters/dynamodb/tableDefinitions.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import { EngineConfigParameter, type EngineConfigSource } from '../constructs/EngineConfigParameter.js';

export interface StatefulStackProps extends StackProps {
  /** The operator's config file (CDK context `configFile`); the engine's defaults when absent. */
  readonly engineConfig?: EngineConfigSource;
}

/**
 * Everything that holds data: tables, their key, the engine config, the token hashes, and the
 * schedule group that holds pending one-time jobs. Deployed separately from the service so a
 * service change can never replace it; data is retained on delete, and logical ids are pinned
 * (test/infra) because a changed id would mean a new, empty resource.
 */
export class StatefulStack extends Stack {
  public readonly key: kms.Key;
  public readonly directory: dynamodb.TableV2;
  public readonly ledger: dynamodb.TableV2;
  public readonly access: dynamodb.TableV2;
  public readonly operations: dynamodb.TableV2;
  public readonly configParameter: ssm.StringParameter;
  /** The validated engine config, defaults applied. */
  public readonly engineConfig: PerimeterConfig;
  /** Where the engine config came from (the config file's path, or "defaults"), for error messages. */
  public readonly engineConfigOrigin: string;
  public readonly scimTokens: secretsmanager.Secret;
  public readonly adminTokens: secretsmanager.Secret;
  /** Read-only tokens: the audit API (and so the console) accepts these and admin tokens. */
  public readonly auditorTokens: secretsmanager.Secret;
  public readonly jobs: scheduler.ScheduleGroup;

  public constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'DataKey', {
      description: 'Perimeter: encrypts the tables and the step queues at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pin(this.key, 'DataKey');
    this.directory = this.table(directoryTable);
    this.ledger = this.table(ledgerTable);
    this.access = this.table(accessTable);
    this.operations = this.table(operationsTable);

    // Validated here, so a bad config fails `cdk synth` with local mode's messages.
    const config = new EngineConfigParameter(this, 'EngineConfig', {
      ...(props.engineConfig !== undefined ? { source: props.engineConfig } : {}),
    });
    pin(config.parameter, 'EngineConfig');
    this.configParameter = config.parameter;
    this.engineConfig = config.config;
    this.engineConfigOrigin = config.origin;

    // Hold only SHA-256 hashes of bearer tokens ({"tokens":[{"label","sha256"}]}); the plaintext
    // tokens are handed out once and never stored. See README "Deploying to AWS".
    // Encrypted with the Secrets Manager managed key: a customer key here would need a key-policy
    // grant to the service stack's role, a cross-stack cycle, to protect data that is not secret.
    // Their names are generated (<logical id>-<suffix>), outside the perimeter/ prefix the engine
    // functions may read, so only the function each one is granted to can read it.
    this.scimTokens = this.tokenSecret('ScimTokens', 'Perimeter: SHA-256 hashes of the bearer tokens the SCIM API accepts');
    this.adminTokens = this.tokenSecret('AdminTokens', 'Perimeter: SHA-256 hashes of the bearer tokens the admin and audit APIs accept');
    this.auditorTokens = this.tokenSecret('AuditorTokens', 'Perimeter: SHA-256 hashes of the read-only bearer tokens the audit API accepts');
    new CfnOutput(this, 'ScimTokensSecretArn', {
      description: 'Put the SHA-256 hashes of SCIM bearer tokens here (npm run perimeter -- token new)',
      value: this.scimTokens.secretArn,
    });
    new CfnOutput(this, 'AdminTokensSecretArn', {
      description: 'Put the SHA-256 hashes of admin API bearer tokens here (npm run perimeter -- token new)',
      value: this.adminTokens.secretArn,
    });
    new CfnOutput(this, 'AuditorTokensSecretArn', {
      description: 'Put the SHA-256 hashes of auditor bearer tokens here (read-only: audit API and console; npm run perimeter -- token new --auditor)',
      value: this.auditorTokens.secretArn,
    });

    // One-time jobs (a termination dated for someone's last day, a deletion after the grace period)
    // are schedules in this group, possibly months ahead. Deleting the group deletes them, so it
    // lives here, retained, rather than in the replaceable service stack.
    this.jobs = new scheduler.ScheduleGroup(this, 'PerimeterJobs', { removalPolicy: RemovalPolicy.RETAIN });
    pin(this.jobs, 'PerimeterJobs');
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

  private tokenSecret(id: string, description: string): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, {
      description,
      secretStringValue: SecretValue.unsafePlainText('{"tokens":[]}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pin(secret, id);
    return secret;
  }
}

function pin(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
