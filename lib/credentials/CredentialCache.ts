import type { SecretStore } from '../ports/SecretStore.js';
import type { Credential } from '../connector-sdk/Credential.js';
import type { CredentialRotator } from '../connector-sdk/CredentialRotator.js';
import { RotationError } from '../connector-sdk/RotationError.js';

import type { RotationContext } from '../connector-sdk/CredentialRotator.js';

export interface CredentialCacheDependencies {
  readonly secrets: SecretStore;
  readonly parse: (value: string) => Credential;
  readonly rotatorFor: (credential: Credential) => CredentialRotator | undefined;
  /**
   * Gets a fresh access token by rotating (locally: in-process; in AWS: RotateSecret, which
   * Secrets Manager serialises) — never by refreshing here, so two workers never spend one refresh
   * token twice.
   */
  readonly refresh: (secretName: string) => Promise<void>;
  readonly context?: RotationContext;
  readonly now?: () => number;
}

/** How long a read credential is trusted before the store is asked whether its version changed. */
const RECHECK_MS = 30_000;
/** An access token this close to expiry is refreshed before it is used. */
const EXPIRY_MARGIN_MS = 60_000;

interface Entry {
  versionId: string;
  credential: Credential;
  readAt: number;
  /** An access token renewed in memory (client credentials), newer than the stored one. */
  renewed?: { token: string; expiresAt?: string };
}

/**
 * Connector credentials from the secret store, cached per secret and re-read when their version
 * changes (checked at most every 30 s), so fan-out in flight keeps working through a rotation: it
 * uses the old AWSCURRENT until the new one is promoted, then the new one.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  public constructor(private readonly deps: CredentialCacheDependencies) {
    this.now = deps.now ?? Date.now;
  }

  /** The `accessToken()` a connector's context gets. */
  public tokenSource(secretName: string): () => Promise<string> {
    return () => this.accessToken(secretName);
  }

  public async accessToken(secretName: string): Promise<string> {
    let entry = await this.read(secretName, false);
    let token = this.tokenOf(entry);
    if (!token.usable) {
      const rotator = this.deps.rotatorFor(entry.credential);
      if (rotator?.renew) {
        entry.renewed = await rotator.renew(entry.credential as never, this.deps.context ?? {});
        return entry.renewed.token;
      }
      await this.deps.refresh(secretName);
      entry = await this.read(secretName, true);
      token = this.tokenOf(entry);
      if (!token.usable || token.value === undefined) {
        throw new RotationError(`Credential ${secretName} has no valid access token after a refresh`);
      }
    }
    return token.value as string;
  }

  /** Forgets what was read (after a rotation in this process). */
  public invalidate(secretName: string): void {
    this.entries.delete(secretName);
  }

  private async read(secretName: string, force: boolean): Promise<Entry> {
    const cached = this.entries.get(secretName);
    if (cached && !force && this.now() - cached.readAt < RECHECK_MS) return cached;
    const current = await this.deps.secrets.getSecretValue(secretName, 'AWSCURRENT');
    if (!current) throw new RotationError(`Credential secret "${secretName}" does not exist`);
    const entry: Entry =
      cached && cached.versionId === current.versionId
        ? { ...cached, readAt: this.now() }
        : { versionId: current.versionId, credential: this.deps.parse(current.value), readAt: this.now() };
    this.entries.set(secretName, entry);
    return entry;
  }

  private tokenOf(entry: Entry): { value?: string; usable: boolean } {
    const { credential } = entry;
    if (credential.type === 'bearer') return { value: credential.token, usable: true };
    const token = entry.renewed ?? this.deps.rotatorFor(credential)?.accessToken(credential);
    if (!token) return { usable: false };
    const expires = token.expiresAt ? Date.parse(token.expiresAt) : Number.POSITIVE_INFINITY;
    return { value: token.token, usable: expires - this.now() > EXPIRY_MARGIN_MS };
  }
}
