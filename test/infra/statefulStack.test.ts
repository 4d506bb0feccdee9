import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { badConfig, synth, validConfig } from './support/synthStacks.js';
import { resources, type Resource, type Statement } from './support/templateQueries.js';

// The stateful stack: tables, key, token secrets, schedule group, archive bucket and engine config parameter.

describe('the stateful stack', () => {
  let stateful: Template;
  beforeAll(() => {
    ({ stateful } = synth());
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

  it('starts every token secret with no tokens, and holds hashes only (the value is the empty list)', () => {
    for (const logicalId of ['ScimTokens', 'AdminTokens', 'AuditorTokens']) {
      // Act
      const secret = resources(stateful)[logicalId] as Resource;

      // Assess
      expect(secret.Properties.SecretString, logicalId).toBe('{"tokens":[]}');
      expect(secret.Properties.GenerateSecretString, logicalId).toBeUndefined();
    }
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
});
