import {
  CreateSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretDescription, SecretStore, SecretVersion, VersionStage } from '../../ports/SecretStore.js';
import { assertStageUpdate } from '../../secrets/assertStageUpdate.js';
import { canonicalStages } from '../../secrets/canonicalStages.js';
import { normalisePutOptions } from '../../secrets/normalisePutOptions.js';
import { SecretStoreError, type SecretStoreErrorCode } from '../../secrets/SecretStoreError.js';

export interface SecretsManagerSecretStoreOptions {
  readonly client?: SecretsManagerClient;
  /**
   * listSecrets returns only secrets whose names start with this (default "perimeter/"): an account
   * holds other teams' secrets too, which Perimeter neither needs nor should enumerate.
   */
  readonly namePrefix?: string;
  /** KMS key for secrets this store creates; Secrets Manager's default key when absent. */
  readonly kmsKeyId?: string;
  readonly now?: () => Date;
}

/** What DescribeSecret and ListSecrets both report about a secret (ListSecrets calls the map SecretVersionsToStages). */
type SecretMetadata = Pick<
  DescribeSecretCommandOutput,
  'Name' | 'Description' | 'CreatedDate' | 'LastChangedDate' | 'LastRotatedDate' | 'VersionIdsToStages'
>;

/**
 * The SecretStore on AWS Secrets Manager. Secrets Manager implements the version stages itself;
 * this adapter maps each port call onto one API call (a secret's first put adds a CreateSecret) and
 * turns its exceptions into SecretStoreError codes. Nothing here logs, and no message carries a
 * value: the values travel only in request and response bodies.
 */
export class SecretsManagerSecretStore implements SecretStore {
  private readonly client: SecretsManagerClient;
  private readonly namePrefix: string;
  private readonly now: () => Date;

  public constructor(private readonly options: SecretsManagerSecretStoreOptions = {}) {
    this.client = options.client ?? new SecretsManagerClient({});
    this.namePrefix = options.namePrefix ?? 'perimeter/';
    this.now = options.now ?? (() => new Date());
  }

  public async getSecretValue(name: string, stage: VersionStage = 'AWSCURRENT'): Promise<SecretVersion | undefined> {
    let result;
    try {
      result = await this.client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
    } catch (error) {
      // Secrets Manager answers both "no such secret" and "no version at this stage" this way.
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw failure('GetSecretValue', name, error);
    }
    if (result.SecretString === undefined) {
      throw new SecretStoreError('invalid', `Secret "${name}" holds binary data; Perimeter stores text secrets only`);
    }
    if (result.VersionId === undefined) {
      throw new SecretStoreError('unavailable', `Secrets Manager GetSecretValue returned no VersionId for secret "${name}"`);
    }
    return {
      versionId: result.VersionId,
      value: result.SecretString,
      stages: canonicalStages(result.VersionStages),
      createdAt: (result.CreatedDate ?? this.now()).toISOString(),
    };
  }

  public async putSecretValue(
    name: string,
    value: string,
    options?: { clientRequestToken?: string; stages?: readonly VersionStage[] },
  ): Promise<SecretVersion> {
    // The version id is fixed here, not left to the SDK, so the fall-backs below (create, then put
    // again) all carry the same ClientRequestToken and stay idempotent.
    const { versionId, stages } = normalisePutOptions(value, options);
    try {
      return await this.put(name, value, versionId, stages);
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw failure('PutSecretValue', name, error);
    }
    return this.create(name, value, versionId, stages);
  }

  public async updateVersionStage(
    name: string,
    stage: VersionStage,
    options: { moveToVersionId?: string; removeFromVersionId?: string },
  ): Promise<void> {
    assertStageUpdate(stage, options);
    try {
      await this.client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: stage,
          ...(options.moveToVersionId !== undefined ? { MoveToVersionId: options.moveToVersionId } : {}),
          ...(options.removeFromVersionId !== undefined ? { RemoveFromVersionId: options.removeFromVersionId } : {}),
        }),
      );
    } catch (error) {
      // assertStageUpdate has ruled out malformed requests, so what Secrets Manager still calls an
      // invalid parameter is RemoveFromVersionId missing or not matching where the stage is now:
      // the caller's view is stale, which the port reports as a conflict.
      throw failure('UpdateSecretVersionStage', name, error, errorName(error) === 'InvalidParameterException' ? 'conflict' : undefined);
    }
  }

  public async describeSecret(name: string): Promise<SecretDescription | undefined> {
    try {
      return this.toDescription(name, await this.client.send(new DescribeSecretCommand({ SecretId: name })));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return undefined;
      throw failure('DescribeSecret', name, error);
    }
  }

  public async listSecrets(): Promise<SecretDescription[]> {
    const secrets: SecretDescription[] = [];
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListSecretsCommand({
            MaxResults: 100,
            ...(this.namePrefix ? { Filters: [{ Key: 'name', Values: [this.namePrefix] }] } : {}),
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (error) {
        throw failure('ListSecrets', `${this.namePrefix}*`, error);
      }
      for (const entry of page.SecretList ?? []) {
        // The server-side name filter matches at word boundaries inside the name too (after / _ - .),
        // so "team/perimeter/x" would pass it; only a true prefix match is Perimeter's.
        if (entry.Name?.startsWith(this.namePrefix)) {
          secrets.push(this.toDescription(entry.Name, { ...entry, VersionIdsToStages: entry.SecretVersionsToStages }));
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return secrets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private async put(name: string, value: string, versionId: string, stages: readonly VersionStage[]): Promise<SecretVersion> {
    const result = await this.client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: value, ClientRequestToken: versionId, VersionStages: [...stages] }),
    );
    return {
      versionId: result.VersionId ?? versionId,
      value,
      // On an idempotent retry Secrets Manager reports the version's stages as they are now.
      stages: result.VersionStages ? canonicalStages(result.VersionStages) : [...stages],
      // PutSecretValue does not return the creation time; asking for it would mean reading the
      // value back, so the local clock stands in.
      createdAt: this.now().toISOString(),
    };
  }

  private async create(name: string, value: string, versionId: string, stages: readonly VersionStage[]): Promise<SecretVersion> {
    // CreateSecret can only label its first version AWSCURRENT. In that (usual) case one call creates
    // the secret and its value together; otherwise the secret is created empty and the value put
    // with the stages asked for, so a first AWSPENDING never becomes AWSCURRENT by accident.
    const currentOnly = stages.length === 1 && stages[0] === 'AWSCURRENT';
    try {
      const result = await this.client.send(
        new CreateSecretCommand({
          Name: name,
          ...(currentOnly ? { SecretString: value, ClientRequestToken: versionId } : {}),
          ...(this.options.kmsKeyId ? { KmsKeyId: this.options.kmsKeyId } : {}),
        }),
      );
      if (currentOnly) return { versionId: result.VersionId ?? versionId, value, stages: ['AWSCURRENT'], createdAt: this.now().toISOString() };
    } catch (error) {
      // Another writer created the secret between our two calls: carry on with a normal put.
      if (errorName(error) !== 'ResourceExistsException') throw failure('CreateSecret', name, error);
    }
    try {
      return await this.put(name, value, versionId, stages);
    } catch (error) {
      throw failure('PutSecretValue', name, error);
    }
  }

  private toDescription(name: string, metadata: SecretMetadata): SecretDescription {
    const created = metadata.CreatedDate ?? metadata.LastChangedDate ?? new Date(0);
    const versions: Record<string, VersionStage[]> = {};
    for (const [versionId, labels] of Object.entries(metadata.VersionIdsToStages ?? {})) {
      const stages = canonicalStages(labels);
      // A version left only with custom labels is none of Perimeter's business.
      if (stages.length > 0) versions[versionId] = stages;
    }
    return {
      name: metadata.Name ?? name,
      ...(metadata.Description ? { description: metadata.Description } : {}),
      createdAt: created.toISOString(),
      lastChangedAt: (metadata.LastChangedDate ?? created).toISOString(),
      ...(metadata.LastRotatedDate ? { lastRotatedAt: metadata.LastRotatedDate.toISOString() } : {}),
      versions,
    };
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Maps a Secrets Manager exception to a SecretStoreError. The message names the operation, the
 * secret and the exception, never the request: the request may carry the value.
 */
function failure(operation: string, name: string, error: unknown, override?: SecretStoreErrorCode): SecretStoreError {
  if (error instanceof SecretStoreError) return error;
  const code = override ?? codeOf(errorName(error));
  return new SecretStoreError(code, `Secrets Manager ${operation} failed for secret "${name}" (${errorName(error) ?? 'unknown error'})`, {
    cause: error,
  });
}

function codeOf(exception: string | undefined): SecretStoreErrorCode {
  switch (exception) {
    case 'ResourceNotFoundException':
      return 'notFound';
    // A version id reused with another value; or a secret whose state forbids the call (scheduled
    // for deletion, a rotation in progress).
    case 'ResourceExistsException':
    case 'InvalidRequestException':
    case 'PreconditionNotMetException':
      return 'conflict';
    case 'InvalidParameterException':
      return 'invalid';
    // Throttling, InternalServiceError, DecryptionFailure (KMS), LimitExceededException, network
    // and credential errors: the store cannot serve now.
    default:
      return 'unavailable';
  }
}
