import type { CfnResource} from 'aws-cdk-lib';
import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
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
import { ConfigError } from '../../lib/config/ConfigError.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import { EngineConfigParameter, type EngineConfigSource } from '../constructs/EngineConfigParameter.js';
import { NAG_REASONS } from '../nag/nagReasons.js';

export interface StatefulStackProps extends StackProps {
  /** The operator's config file (CDK context `configFile`); the engine's defaults when absent. */
  readonly engineConfig?: EngineConfigSource;
  /**
   * Days every archived ledger object stays locked (CDK context `archiveRetentionDays`); default
   * 2555, about 7 years. 1 to 36500 (Object Lock's 100-year maximum).
   */
  readonly archiveRetentionDays?: number;
}

/** About 7 years (7 × 365 days), a common retention period for access records. */
export const DEFAULT_ARCHIVE_RETENTION_DAYS = 2555;

/**
 * Everything that holds data: tables, their key, the engine config, the token hashes, the schedule
 * group that holds pending one-time jobs, and the archive of the ledger events retention removed.
 * Deployed separately from the service so a service change can never replace it; data is retained
 * on delete, and logical ids are pinned (test/infra) because a changed id would mean a new, empty
 * resource.
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
  /** Where ledger retention puts the events it removes (lib/adapters/s3/S3LedgerArchive), locked. */
  public readonly archiveBucket: s3.Bucket;

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

    this.archiveBucket = this.archive(props.archiveRetentionDays ?? DEFAULT_ARCHIVE_RETENTION_DAYS);
    // The service stack refers to the bucket only while the config sets `retention`. Exported
    // always, so turning retention off later does not make this stack delete an export the
    // deployed service stack still imports (CloudFormation refuses that, and the deploy fails).
    this.exportValue(this.archiveBucket.bucketName);
    this.exportValue(this.archiveBucket.bucketArn);
    new CfnOutput(this, 'ArchiveBucketName', {
      description: 'Ledger events removed by retention, as JSON Lines under ledger-archive/<run>/ (Object Lock, governance mode)',
      value: this.archiveBucket.bucketName,
    });
  }

  /**
   * The ledger archive: the only copy of events retention removed from the ledger, so it is written
   * once and locked. Object Lock in GOVERNANCE mode with a default retention period locks every
   * object version on arrival: no Perimeter role can delete or overwrite it (the retention function
   * may only put), and neither can an administrator without s3:BypassGovernanceRetention, which no
   * role here holds. GOVERNANCE rather than COMPLIANCE because COMPLIANCE cannot be undone by
   * anyone, the root user included: a mistaken retention period, a test deployment, or a lawful
   * erasure of a person's data could then never be corrected, and the bucket could not be removed,
   * for up to 7 years. Governance keeps a deliberate, CloudTrail-logged break-glass path, and an
   * archived chain altered through it would no longer link to the base hash its checkpoint sealed.
   * A deployment under a WORM rule (SEC 17a-4, FINRA) changes `governance` to `compliance` below.
   *
   * No server access logs: S3 refuses an Object Lock bucket as a log destination (so not to itself),
   * and a second bucket would be one more retained resource for a log of one role's puts. Who read
   * or wrote archive objects is what CloudTrail S3 data events record, enabled in the account's trail.
   */
  private archive(retentionDays: number): s3.Bucket {
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36_500) {
      throw new ConfigError(`archiveRetentionDays must be a whole number of days from 1 to 36500 (Object Lock's limits), not ${retentionDays}`);
    }
    const bucket = new s3.Bucket(this, 'ArchiveBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket for a while, instead of a KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(retentionDays)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pin(bucket, 'ArchiveBucket');
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: NAG_REASONS.archiveAccessLogs });
    return bucket;
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
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: NAG_REASONS.tokenSecretRotation });
    return secret;
  }
}

function pin(construct: Construct, logicalId: string): void {
  (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);
}
