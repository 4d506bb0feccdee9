import { randomUUID } from 'node:crypto';
import type { Ledger } from '../ledger/Ledger.js';
import type { LedgerStore } from '../ports/LedgerStore.js';
import type { SecretStore, SecretVersion } from '../ports/SecretStore.js';
import type { Credential } from '../connector-sdk/Credential.js';
import type { CredentialRotator, RotationContext } from '../connector-sdk/CredentialRotator.js';
import { isReplacedPending } from './isReplacedPending.js';
import { ROTATION_STEPS, type RotationStepResult, rotateCredentialStep } from './rotateCredentialStep.js';

export interface CredentialRotationDependencies {
  readonly secrets: SecretStore;
  readonly ledger: Ledger;
  readonly ledgerStore: LedgerStore;
  readonly rotatorFor: (credential: Credential) => CredentialRotator | undefined;
  readonly parse: (value: string) => Credential;
  readonly context?: RotationContext;
  readonly now?: () => Date;
}

/** What an operator sees about a credential: never its value. */
export interface CredentialStatus {
  readonly secretName: string;
  readonly type?: Credential['type'];
  readonly rotatable: boolean;
  readonly createdAt?: string;
  readonly lastRotatedAt?: string;
  readonly ageDays?: number;
  /** The last rotation attempt failed (AWSCURRENT still works); cleared by a successful one. */
  readonly lastRotationError?: string;
  readonly missing?: boolean;
}

export interface RotationRun {
  readonly secretName: string;
  readonly versionId: string;
  /** A crashed earlier rotation was finished instead of starting a new one. */
  readonly resumed: boolean;
  readonly steps: readonly RotationStepResult[];
}

const DAY_MS = 86_400_000;
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Runs whole rotations in-process (local mode, "rotate now") with the same step code the rotation
 * Lambda runs, one rotation per secret at a time. A rotation a crash interrupted (an AWSPENDING
 * version that is not current) is resumed, never abandoned: its new credential may already have
 * retired the old one at the provider. Every step and failure goes to the ledger, without values.
 */
export class CredentialRotation {
  private readonly running = new Map<string, Promise<RotationRun>>();
  private readonly now: () => Date;

  public constructor(private readonly deps: CredentialRotationDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  public rotateNow(secretName: string, actor: string): Promise<RotationRun> {
    const inFlight = this.running.get(secretName);
    if (inFlight) return inFlight;
    const run = this.rotate(secretName, actor).finally(() => this.running.delete(secretName));
    this.running.set(secretName, run);
    return run;
  }

  /** One rotation step, recorded: the entry point of the Secrets Manager rotation Lambda. */
  public async step(secretName: string, token: string, step: (typeof ROTATION_STEPS)[number], actor: string): Promise<RotationStepResult> {
    try {
      const result = await rotateCredentialStep({ secretName, token, step }, this.deps);
      await this.record(secretName, `rotation.${step}`, result.changed ? 'applied' : 'skipped', actor, {
        versionId: token,
        ...(result.retireError ? { retireError: result.retireError } : {}),
      });
      return result;
    } catch (error) {
      await this.record(secretName, `rotation.${step}`, 'failed', actor, { versionId: token, error: (error as Error).message });
      throw error;
    }
  }

  public async status(secretName: string): Promise<CredentialStatus> {
    const [description, current] = await Promise.all([
      this.deps.secrets.describeSecret(secretName),
      this.deps.secrets.getSecretValue(secretName, 'AWSCURRENT'),
    ]);
    if (!description || !current) return { secretName, rotatable: false, missing: true };
    let credential: Credential | undefined;
    try {
      credential = this.deps.parse(current.value);
    } catch {
      credential = undefined;
    }
    const [last] = await this.deps.ledgerStore.recent(`credential#${secretName}`, this.now().toISOString());
    const since = description.lastRotatedAt ?? description.createdAt;
    return {
      secretName,
      ...(credential ? { type: credential.type } : {}),
      rotatable: credential !== undefined && this.deps.rotatorFor(credential) !== undefined,
      createdAt: description.createdAt,
      ...(description.lastRotatedAt ? { lastRotatedAt: description.lastRotatedAt } : {}),
      ageDays: Math.floor((this.now().getTime() - Date.parse(since)) / DAY_MS),
      ...(last?.outcome === 'failed' ? { lastRotationError: String((last.detail as { error?: string } | undefined)?.error ?? 'rotation failed') } : {}),
    };
  }

  /** True when a rotatable credential is older than the interval (local schedule). */
  public async isDue(secretName: string, intervalHours: number): Promise<boolean> {
    const status = await this.status(secretName);
    if (!status.rotatable) return false;
    const since = Date.parse(status.lastRotatedAt ?? status.createdAt ?? '');
    return Number.isNaN(since) || this.now().getTime() - since >= intervalHours * 3_600_000;
  }

  private async rotate(secretName: string, actor: string): Promise<RotationRun> {
    const current = await this.deps.secrets.getSecretValue(secretName, 'AWSCURRENT');
    const pending = await this.deps.secrets.getSecretValue(secretName, 'AWSPENDING');
    if (current) await this.recordUnrecordedFinish(secretName, current, actor);
    // An interrupted rotation is resumed; one an operator's put overtook is not (createSecret drops it).
    const resumed = pending !== undefined && pending.versionId !== current?.versionId && !isReplacedPending(pending, current);
    const token = resumed ? pending.versionId : randomUUID();
    const steps: RotationStepResult[] = [];
    for (const step of ROTATION_STEPS) steps.push(await this.step(secretName, token, step, actor));
    return { secretName, versionId: token, resumed, steps };
  }

  /**
   * A crash after finishSecret promoted its version but before the ledger recorded it leaves no
   * pending version to resume, so nothing would ever record that the credential changed. If the
   * current version came from a rotation whose finish is not in the ledger, finishSecret runs again
   * now: it finds the work done and records it, as a Secrets Manager retry of the step would.
   */
  private async recordUnrecordedFinish(secretName: string, current: SecretVersion, actor: string): Promise<void> {
    // Its steps were recorded after the version was written; look back a little further for skew.
    const since = new Date(Date.parse(current.createdAt) - CLOCK_SKEW_MS).toISOString();
    const ofCurrent = (await this.deps.ledgerStore.recent(`credential#${secretName}`, since)).filter(
      (event) => event.type.startsWith('rotation.') && (event.detail as { versionId?: unknown } | undefined)?.versionId === current.versionId,
    );
    // Not made by a rotation (the operator put it), or its finish is recorded: nothing is missing.
    if (ofCurrent.length === 0 || ofCurrent.some((event) => event.type === 'rotation.finishSecret' && event.outcome !== 'failed')) return;
    await this.step(secretName, current.versionId, 'finishSecret', actor);
  }

  private async record(secretName: string, type: string, outcome: 'applied' | 'skipped' | 'failed', actor: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.ledger.append({
      eventId: `${type}:${String(detail.versionId)}:${outcome}:${outcome === 'failed' ? randomUUID() : ''}`,
      chain: `credential#${secretName}`,
      type,
      occurredAt: this.now().toISOString(),
      source: { channel: 'system', actor },
      outcome,
      detail,
    });
  }
}
