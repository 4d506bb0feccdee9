import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  type CreateSecretCommandOutput,
  DescribeSecretCommand,
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  InvalidParameterException,
  ListSecretsCommand,
  type ListSecretsCommandInput,
  type ListSecretsCommandOutput,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type UpdateSecretVersionStageCommandInput,
  type UpdateSecretVersionStageCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import type { AwsClientStub } from 'aws-sdk-client-mock';

interface FakeVersion {
  readonly versionId: string;
  readonly value: string;
  readonly createdDate: Date;
  stages: string[];
}

interface FakeSecret {
  readonly name: string;
  readonly createdDate: Date;
  lastChangedDate: Date;
  versions: FakeVersion[];
}


const $metadata = { httpStatusCode: 400 };

/**
 * An in-memory Secrets Manager with the documented version-stage behaviour, written from the API
 * reference rather than from the local adapter, so the shared contract compares two independent
 * implementations. Unlike the local store it keeps deprecated (unlabelled) versions, as the service
 * does. ListSecrets pages `pageSize` at a time and, like the service, lets its name filter match at
 * word boundaries inside the name, not only at the start.
 */
export class FakeSecretsManager {
  private readonly secrets = new Map<string, FakeSecret>();

  public constructor(private readonly pageSize = 2) {}

  /** Routes the mocked client's commands to this fake. */
  public wire(mock: AwsClientStub<SecretsManagerClient>): void {
    mock.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => this.getSecretValue(input));
    mock.on(PutSecretValueCommand).callsFake((input: PutSecretValueCommandInput) => this.putSecretValue(input));
    mock.on(CreateSecretCommand).callsFake((input: CreateSecretCommandInput) => this.createSecret(input));
    mock.on(UpdateSecretVersionStageCommand).callsFake((input: UpdateSecretVersionStageCommandInput) => this.updateSecretVersionStage(input));
    mock.on(DescribeSecretCommand).callsFake((input: DescribeSecretCommandInput) => this.describeSecret(input));
    mock.on(ListSecretsCommand).callsFake((input: ListSecretsCommandInput) => this.listSecrets(input));
  }

  public getSecretValue(input: GetSecretValueCommandInput): GetSecretValueCommandOutput {
    const secret = this.secret(input.SecretId);
    const stage = input.VersionStage ?? 'AWSCURRENT';
    const version = secret.versions.find((candidate) => candidate.stages.includes(stage));
    if (!version) throw notFound(`Secrets Manager can't find the specified secret value for staging label: ${stage}`);
    return {
      $metadata: {},
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }

  public putSecretValue(input: PutSecretValueCommandInput): PutSecretValueCommandOutput {
    const secret = this.secret(input.SecretId);
    if (!input.ClientRequestToken || input.SecretString === undefined) throw invalidParameter('ClientRequestToken and SecretString are required');
    const existing = secret.versions.find((version) => version.versionId === input.ClientRequestToken);
    if (existing) {
      if (existing.value !== input.SecretString) {
        throw new ResourceExistsException({ $metadata, message: "You can't modify an existing version, you can only create new versions." });
      }
      return { $metadata: {}, Name: secret.name, VersionId: existing.versionId, VersionStages: [...existing.stages] };
    }
    const version: FakeVersion = { versionId: input.ClientRequestToken, value: input.SecretString, createdDate: new Date(), stages: [] };
    secret.versions.push(version);
    for (const stage of input.VersionStages ?? ['AWSCURRENT']) this.attach(secret, stage, version.versionId);
    secret.lastChangedDate = new Date();
    return { $metadata: {}, Name: secret.name, VersionId: version.versionId, VersionStages: [...version.stages] };
  }

  public createSecret(input: CreateSecretCommandInput): CreateSecretCommandOutput {
    if (!input.Name) throw invalidParameter('Name is required');
    if (this.secrets.has(input.Name)) throw new ResourceExistsException({ $metadata, message: `The operation failed because the secret ${input.Name} already exists.` });
    const now = new Date();
    const secret: FakeSecret = { name: input.Name, createdDate: now, lastChangedDate: now, versions: [] };
    this.secrets.set(input.Name, secret);
    if (input.SecretString === undefined) return { $metadata: {}, Name: input.Name };
    if (!input.ClientRequestToken) throw invalidParameter('ClientRequestToken is required');
    // The first version of a secret created with a value is always AWSCURRENT.
    secret.versions.push({ versionId: input.ClientRequestToken, value: input.SecretString, createdDate: now, stages: ['AWSCURRENT'] });
    return { $metadata: {}, Name: input.Name, VersionId: input.ClientRequestToken };
  }

  public updateSecretVersionStage(input: UpdateSecretVersionStageCommandInput): UpdateSecretVersionStageCommandOutput {
    const secret = this.secret(input.SecretId);
    const stage = input.VersionStage;
    if (!stage) throw invalidParameter('VersionStage is required');
    const holder = secret.versions.find((version) => version.stages.includes(stage));
    const { MoveToVersionId: to, RemoveFromVersionId: from } = input;
    if (to !== undefined && !secret.versions.some((version) => version.versionId === to)) {
      throw notFound("Secrets Manager can't find the specified secret version.");
    }
    if (from !== undefined && holder?.versionId !== from) {
      throw invalidParameter(`The staging label ${stage} is not attached to version ${from}.`);
    }
    if (to !== undefined && holder && holder.versionId !== to && from === undefined) {
      throw invalidParameter(`The staging label ${stage} is attached to another version; specify RemoveFromVersionId.`);
    }
    if (to !== undefined) {
      this.attach(secret, stage, to);
    } else if (holder) {
      if (stage === 'AWSCURRENT') throw invalidParameter('You can only move AWSCURRENT to another version.');
      holder.stages = holder.stages.filter((label) => label !== stage);
    }
    secret.lastChangedDate = new Date();
    return { $metadata: {}, Name: secret.name, ...(to ? { VersionId: to } : {}) };
  }

  public describeSecret(input: DescribeSecretCommandInput): DescribeSecretCommandOutput {
    const secret = this.secret(input.SecretId);
    return { $metadata: {}, ...this.metadata(secret), VersionIdsToStages: this.labelled(secret) };
  }

  public listSecrets(input: ListSecretsCommandInput): ListSecretsCommandOutput {
    const prefixes = input.Filters?.find((filter) => filter.Key === 'name')?.Values ?? [];
    const matching = [...this.secrets.values()]
      .filter((secret) => prefixes.length === 0 || prefixes.some((prefix) => matchesAtWordStart(secret.name, prefix)))
      .sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime());
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = Math.min(this.pageSize, input.MaxResults ?? 100);
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? String(start + size) : undefined;
    return {
      $metadata: {},
      SecretList: page.map((secret) => ({ ...this.metadata(secret), SecretVersionsToStages: this.labelled(secret) })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  /** Every value ever stored, for asserting that no error message or output leaks one. */
  public allValues(): string[] {
    return [...this.secrets.values()].flatMap((secret) => secret.versions.map((version) => version.value));
  }

  private secret(secretId: string | undefined): FakeSecret {
    const secret = secretId === undefined ? undefined : this.secrets.get(secretId);
    if (!secret) throw notFound("Secrets Manager can't find the specified secret.");
    return secret;
  }

  /** A label lives on one version; moving AWSCURRENT sends AWSPREVIOUS to where AWSCURRENT was. */
  private attach(secret: FakeSecret, stage: string, versionId: string): void {
    const holder = secret.versions.find((version) => version.stages.includes(stage));
    if (holder?.versionId === versionId) return;
    if (holder) holder.stages = holder.stages.filter((label) => label !== stage);
    const target = secret.versions.find((version) => version.versionId === versionId);
    target?.stages.push(stage);
    if (stage === 'AWSCURRENT' && holder) this.attach(secret, 'AWSPREVIOUS', holder.versionId);
  }

  private labelled(secret: FakeSecret): Record<string, string[]> {
    return Object.fromEntries(secret.versions.filter((version) => version.stages.length > 0).map((version) => [version.versionId, [...version.stages]]));
  }

  private metadata(secret: FakeSecret): { Name: string; ARN: string; CreatedDate: Date; LastChangedDate: Date } {
    return {
      Name: secret.name,
      ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${secret.name}-AbCdEf`,
      CreatedDate: secret.createdDate,
      LastChangedDate: secret.lastChangedDate,
    };
  }
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ $metadata, message });
}

function invalidParameter(message: string): InvalidParameterException {
  return new InvalidParameterException({ $metadata, message });
}

function matchesAtWordStart(name: string, prefix: string): boolean {
  for (let index = 0; index < name.length; index += 1) {
    const atWordStart = index === 0 || /[/_+=.@-]/.test(name.charAt(index - 1));
    if (atWordStart && name.startsWith(prefix, index)) return true;
  }
  return false;
}
