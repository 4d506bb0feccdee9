import { randomUUID } from 'node:crypto';
import type { SecretDescription, SecretStore, SecretVersion, VersionStage } from '../../lib/ports/SecretStore.js';

/** A SecretStore for tests that do not exercise secret storage itself. */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, SecretVersion[]>();

  public constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) {
      this.secrets.set(name, [{ versionId: randomUUID(), value, stages: ['AWSCURRENT'], createdAt: new Date().toISOString() }]);
    }
  }

  public async getSecretValue(name: string, stage: VersionStage = 'AWSCURRENT'): Promise<SecretVersion | undefined> {
    return this.secrets.get(name)?.find((version) => version.stages.includes(stage));
  }

  public async putSecretValue(name: string, value: string, options: { clientRequestToken?: string; stages?: readonly VersionStage[] } = {}): Promise<SecretVersion> {
    const stages = options.stages ?? ['AWSCURRENT'];
    const versions = (this.secrets.get(name) ?? []).map((version) => ({
      ...version,
      stages: version.stages.filter((stage) => !stages.includes(stage)).concat(stages.includes('AWSCURRENT') && version.stages.includes('AWSCURRENT') ? ['AWSPREVIOUS'] : []),
    }));
    const created: SecretVersion = { versionId: options.clientRequestToken ?? randomUUID(), value, stages, createdAt: new Date().toISOString() };
    this.secrets.set(name, [...versions, created]);
    return created;
  }

  public async updateVersionStage(): Promise<void> {
    throw new Error('InMemorySecretStore does not stage versions');
  }

  public async describeSecret(name: string): Promise<SecretDescription | undefined> {
    const versions = this.secrets.get(name);
    if (!versions) return undefined;
    return {
      name,
      createdAt: versions[0]?.createdAt ?? '',
      lastChangedAt: versions.at(-1)?.createdAt ?? '',
      versions: Object.fromEntries(versions.map((v) => [v.versionId, v.stages])),
    };
  }

  public async listSecrets(): Promise<SecretDescription[]> {
    return Promise.all([...this.secrets.keys()].map(async (name) => (await this.describeSecret(name)) as SecretDescription));
  }
}
