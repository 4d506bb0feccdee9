import type { RotationStep } from '../../../lib/credentials/rotateCredentialStep.js';
import type { VersionStage } from '../../../lib/ports/SecretStore.js';

/**
 * Where a chaos child process SIGKILLs itself (installKillHook), for windows too narrow to hit from
 * outside with a timer. `before`: the call never starts; `inflight`: it was started and may or may
 * not have landed (the kill comes `inflightMs` after it started); `after`: it completed, but nothing
 * the caller does next happened.
 */
export type KillSpec =
  /** The n-th conditional put of a ledger event (every append ends in one). */
  | { readonly at: 'ledger-insert'; readonly nth: number; readonly when: 'before' | 'inflight' | 'after'; readonly inflightMs?: number }
  /** A step of a rotation run; `after` is once the step and its ledger record are done. */
  | { readonly at: 'rotation-step'; readonly step: RotationStep; readonly when: 'before' | 'after' }
  /** A write to one secret of the local store (a new version, or a stage moved). */
  | {
      readonly at: 'secret-write';
      readonly secretName: string;
      readonly method: 'putSecretValue' | 'updateVersionStage';
      readonly stage?: VersionStage;
      readonly when: 'before' | 'inflight' | 'after';
      readonly inflightMs?: number;
    }
  /** A request to a URL starting with `url` (a token endpoint). */
  | { readonly at: 'http-request'; readonly url: string; readonly when: 'before' | 'inflight' | 'after'; readonly inflightMs?: number };

/** The line a child writes to stderr just before it kills itself. */
export const KILL_MARKER = 'CHAOS-KILL';

export function describeKill(spec: KillSpec): string {
  switch (spec.at) {
    case 'ledger-insert':
      return `ledger insert #${spec.nth} ${spec.when}`;
    case 'rotation-step':
      return `${spec.when} ${spec.step}`;
    case 'secret-write':
      return `${spec.method}${spec.stage ? `(${spec.stage})` : ''} ${spec.when}`;
    case 'http-request':
      return `token request ${spec.when}`;
  }
}
