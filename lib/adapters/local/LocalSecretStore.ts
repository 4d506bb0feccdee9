import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SecretDescription, SecretStore, SecretVersion, VersionStage } from '../../ports/SecretStore.js';
import { assertSecretName } from '../../secrets/assertSecretName.js';
import { assertStageUpdate } from '../../secrets/assertStageUpdate.js';
import { normalisePutOptions } from '../../secrets/normalisePutOptions.js';
import { SecretStoreError } from '../../secrets/SecretStoreError.js';
import { KeyedLock } from './KeyedLock.js';
import { loadOrCreateSecretKey } from './loadOrCreateSecretKey.js';
import { moveVersionStage } from './moveVersionStage.js';
import { SecretCipher } from './SecretCipher.js';
import { type StoredSecret, type StoredVersion, storedSecretSchema } from './storedSecretSchema.js';
import { TEMP_SUFFIX, writeFileAtomic } from './writeFileAtomic.js';

export interface LocalSecretStoreOptions {
  /** PERIMETER_DATA_DIR: the key is `<dataDir>/secrets.key`, the secrets `<dataDir>/secrets/*.json`. */
  readonly dataDir: string;
  readonly now?: () => Date;
}

// Module-wide, so two stores opened on the same directory in one process (the server and an admin
// task, or two tests) still take turns on each file.
const fileLocks = new KeyedLock();

const SECRET_FILE = /^[0-9a-f]{64}\.json$/;
// A temporary file this old cannot belong to a write still in progress (a write takes
// milliseconds): it is what a process killed mid-write left behind.
const STALE_TEMP_MS = 60_000;

/**
 * The embedded default SecretStore: AES-256-GCM encrypted values on local disk, with Secrets
 * Manager's version-stage semantics so rotation code runs unchanged locally.
 *
 * One file per secret, named by the SHA-256 of the secret's name: any legal name (up to 512
 * characters, with slashes) maps to a short, portable file name, with no case-folding collisions on
 * case-insensitive filesystems (macOS, Windows); and a write rewrites one small file, so damage to
 * one file (a bad disk block, a careless edit) costs one secret, not all of them.
 *
 * Writes replace the file atomically (temporary file, fsync, rename); read-modify-write cycles on a
 * secret are serialised within the process. Versions left without a stage are dropped at once, so
 * superseded values do not linger on disk (Secrets Manager keeps such "deprecated" versions for a
 * while, but never returns or describes them either).
 */
export class LocalSecretStore implements SecretStore {
  private constructor(
    private readonly directory: string,
    private readonly cipher: SecretCipher,
    private readonly now: () => Date,
  ) {}

  /**
   * Opens the store, creating the directories (0700) and the key (0600) on first use. Fails, with
   * a message that says what to do, when the key is unsafe (group or other access) or unreadable.
   */
  public static async open(options: LocalSecretStoreOptions): Promise<LocalSecretStore> {
    const dataDir = resolve(options.dataDir);
    const directory = join(dataDir, 'secrets');
    try {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const key = await loadOrCreateSecretKey(join(dataDir, 'secrets.key'));
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await removeStaleTempFiles(directory);
      return new LocalSecretStore(directory, new SecretCipher(key), options.now ?? (() => new Date()));
    } catch (error) {
      if (error instanceof SecretStoreError) throw error;
      throw new SecretStoreError('unavailable', `Cannot open the local secret store in ${dataDir}`, { cause: error });
    }
  }

  public async getSecretValue(name: string, stage: VersionStage = 'AWSCURRENT'): Promise<SecretVersion | undefined> {
    assertSecretName(name);
    const stored = await this.read(name);
    const version = stored?.versions.find((candidate) => candidate.stages.includes(stage));
    if (!stored || !version) return undefined;
    return toSecretVersion(version, this.unseal(stored, version));
  }

  public async putSecretValue(
    name: string,
    value: string,
    options?: { clientRequestToken?: string; stages?: readonly VersionStage[] },
  ): Promise<SecretVersion> {
    assertSecretName(name);
    const { versionId, stages } = normalisePutOptions(value, options);
    return fileLocks.run(this.pathOf(name), async () => {
      const stored = await this.read(name);
      const existing = stored?.versions.find((version) => version.versionId === versionId);
      if (stored && existing) {
        // A retry of a put that already happened: a no-op, like Secrets Manager; the stages are
        // left where they are now, even if later calls moved them.
        if (this.unseal(stored, existing) !== value) {
          throw new SecretStoreError('conflict', `Secret "${name}" already has a version ${versionId} with a different value; versions cannot be changed`);
        }
        return toSecretVersion(existing, value);
      }
      if (stored) this.assertSameKey(stored);

      const now = this.now().toISOString();
      const added: StoredVersion = { versionId, createdAt: now, stages: [], ...this.cipher.seal(name, versionId, value) };
      let versions = [...(stored?.versions ?? []), added];
      for (const stage of stages) versions = moveVersionStage(versions, stage, versionId);
      const next = withoutUnstaged(versions);
      await this.write({
        format: 1,
        name,
        keyId: this.cipher.keyId,
        createdAt: stored?.createdAt ?? now,
        lastChangedAt: now,
        ...(stored?.lastRotatedAt ? { lastRotatedAt: stored.lastRotatedAt } : {}),
        versions: next,
      });
      return toSecretVersion(next.find((version) => version.versionId === versionId) ?? added, value);
    });
  }

  public async updateVersionStage(
    name: string,
    stage: VersionStage,
    options: { moveToVersionId?: string; removeFromVersionId?: string },
  ): Promise<void> {
    assertSecretName(name);
    assertStageUpdate(stage, options);
    const { moveToVersionId: to, removeFromVersionId: from } = options;
    await fileLocks.run(this.pathOf(name), async () => {
      const stored = await this.read(name);
      if (!stored) throw new SecretStoreError('notFound', `Secret "${name}" does not exist`);
      const holder = stored.versions.find((version) => version.stages.includes(stage))?.versionId;
      // Secrets Manager's guard against lost updates: whoever moves a stage that is attached
      // elsewhere must say where it is now, so a caller acting on a stale read fails loudly.
      if (from !== undefined && holder !== from) {
        throw new SecretStoreError('conflict', `Secret "${name}": ${stage} is not on version ${from}`);
      }
      if (to !== undefined && !stored.versions.some((version) => version.versionId === to)) {
        throw new SecretStoreError('notFound', `Secret "${name}" has no version ${to}`);
      }
      if (to !== undefined && holder !== undefined && holder !== to && from === undefined) {
        throw new SecretStoreError('conflict', `Secret "${name}": ${stage} is on version ${holder}; pass removeFromVersionId to move it`);
      }
      // Moving a stage to where it already is: a retried call, nothing to do.
      if (to !== undefined && holder === to) return;

      const versions =
        to !== undefined
          ? moveVersionStage(stored.versions, stage, to)
          : stored.versions.map((version) =>
              version.versionId === from ? { ...version, stages: version.stages.filter((held) => held !== stage) } : version,
            );
      const now = this.now().toISOString();
      // Moving AWSCURRENT off a version is how a rotation finishes (finishSecret).
      const rotated = stage === 'AWSCURRENT' && holder !== undefined;
      await this.write({
        ...stored,
        lastChangedAt: now,
        ...(rotated ? { lastRotatedAt: now } : {}),
        versions: withoutUnstaged(versions),
      });
    });
  }

  public async describeSecret(name: string): Promise<SecretDescription | undefined> {
    assertSecretName(name);
    const stored = await this.read(name);
    return stored && toDescription(stored);
  }

  public async listSecrets(): Promise<SecretDescription[]> {
    let entries: string[];
    try {
      entries = await readdir(this.directory);
    } catch (error) {
      throw new SecretStoreError('unavailable', `Cannot list the local secrets in ${this.directory}`, { cause: error });
    }
    const secrets: SecretDescription[] = [];
    for (const entry of entries.filter((file) => SECRET_FILE.test(file))) {
      const stored = await this.readPath(join(this.directory, entry));
      if (!stored) continue; // written over or removed since readdir
      if (fileNameOf(stored.name) !== entry) {
        throw new SecretStoreError('unavailable', `${join(this.directory, entry)} holds secret "${stored.name}" but is not that secret's file; was it renamed?`);
      }
      secrets.push(toDescription(stored));
    }
    return secrets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private pathOf(name: string): string {
    return join(this.directory, fileNameOf(name));
  }

  private async read(name: string): Promise<StoredSecret | undefined> {
    const stored = await this.readPath(this.pathOf(name));
    if (stored && stored.name !== name) {
      throw new SecretStoreError('unavailable', `The file of secret "${name}" holds secret "${stored.name}"; was it copied over?`);
    }
    return stored;
  }

  private async readPath(path: string): Promise<StoredSecret | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SecretStoreError('unavailable', `Cannot read ${path}`, { cause: error });
    }
    try {
      return storedSecretSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new SecretStoreError('unavailable', `${path} is not a valid secret file (damaged or edited by hand)`, { cause: error });
    }
  }

  private async write(stored: StoredSecret): Promise<void> {
    const path = this.pathOf(stored.name);
    try {
      await writeFileAtomic(path, `${JSON.stringify(stored, null, 2)}\n`);
    } catch (error) {
      throw new SecretStoreError('unavailable', `Cannot write secret "${stored.name}" to ${path}`, { cause: error });
    }
  }

  private unseal(stored: StoredSecret, version: StoredVersion): string {
    this.assertSameKey(stored);
    return this.cipher.open(stored.name, version.versionId, version);
  }

  private assertSameKey(stored: StoredSecret): void {
    if (stored.keyId !== this.cipher.keyId) {
      throw new SecretStoreError(
        'unavailable',
        `Secret "${stored.name}" was encrypted with a different key than the current secrets.key (was the key file replaced or regenerated?); restore the original key to read it`,
      );
    }
  }
}

function fileNameOf(name: string): string {
  return `${createHash('sha256').update(name, 'utf8').digest('hex')}.json`;
}

function withoutUnstaged(versions: readonly StoredVersion[]): StoredVersion[] {
  return versions.filter((version) => version.stages.length > 0);
}

function toSecretVersion(version: StoredVersion, value: string): SecretVersion {
  return { versionId: version.versionId, value, stages: [...version.stages], createdAt: version.createdAt };
}

function toDescription(stored: StoredSecret): SecretDescription {
  return {
    name: stored.name,
    createdAt: stored.createdAt,
    lastChangedAt: stored.lastChangedAt,
    ...(stored.lastRotatedAt ? { lastRotatedAt: stored.lastRotatedAt } : {}),
    versions: Object.fromEntries(stored.versions.map((version) => [version.versionId, [...version.stages]])),
  };
}

async function removeStaleTempFiles(directory: string): Promise<void> {
  const now = Date.now();
  for (const entry of await readdir(directory)) {
    if (!entry.endsWith(TEMP_SUFFIX)) continue;
    const path = join(directory, entry);
    const stats = await stat(path).catch(() => undefined);
    if (stats && now - stats.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true });
  }
}
