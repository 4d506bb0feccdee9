/** AWS Secrets Manager's version stages; the local store keeps the same semantics. */
export type VersionStage = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

export interface SecretVersion {
  readonly versionId: string;
  readonly value: string;
  readonly stages: readonly VersionStage[];
  readonly createdAt: string;
}

/** What may be shown about a secret: never its value. */
export interface SecretDescription {
  readonly name: string;
  readonly description?: string;
  readonly createdAt: string;
  readonly lastChangedAt: string;
  readonly lastRotatedAt?: string;
  /** versionId → stages, as Secrets Manager's DescribeSecret reports VersionIdsToStages. */
  readonly versions: Readonly<Record<string, readonly VersionStage[]>>;
}

/**
 * Secrets by name with Secrets Manager's version-stage model, so rotation works the same locally
 * and in AWS: a new value is written as AWSPENDING, tested, then promoted to AWSCURRENT (the old
 * current becomes AWSPREVIOUS). Adapters: AWS Secrets Manager, and the local encrypted store.
 */
export interface SecretStore {
  /** The value at a stage (default AWSCURRENT), or undefined if the secret or stage does not exist. */
  getSecretValue(name: string, stage?: VersionStage): Promise<SecretVersion | undefined>;
  /**
   * Writes a new version. `clientRequestToken` is the version id and makes the call idempotent: the
   * same token with the same value is a no-op, with a different value an error. Stages default to
   * AWSCURRENT (creating the secret if needed).
   */
  putSecretValue(name: string, value: string, options?: { clientRequestToken?: string; stages?: readonly VersionStage[] }): Promise<SecretVersion>;
  /** Moves a stage to a version (and, for AWSCURRENT, the old current to AWSPREVIOUS). */
  updateVersionStage(name: string, stage: VersionStage, options: { moveToVersionId?: string; removeFromVersionId?: string }): Promise<void>;
  describeSecret(name: string): Promise<SecretDescription | undefined>;
  listSecrets(): Promise<SecretDescription[]>;
}
