import type { Credential } from './Credential.js';

/** What a rotator may use: the network (tests inject fetch) and a clock. */
export interface RotationContext {
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly timeoutMs?: number;
}

/**
 * How one credential type is rotated, in the shape of Secrets Manager's four steps: `create` makes
 * the next credential (stored as AWSPENDING by the caller before anything retires the current one),
 * `test` proves it works, and `retire` removes the previous one at the vendor once the new one is
 * AWSCURRENT. Each must be safe to re-run after a crash.
 */
export interface CredentialRotator<C extends Credential = Credential> {
  readonly type: C['type'];
  create(current: C, context: RotationContext): Promise<C>;
  test(candidate: C, context: RotationContext): Promise<void>;
  /** May do nothing (OAuth providers retire a used refresh token themselves). */
  retire(previous: C, current: C, context: RotationContext): Promise<void>;
  /** The bearer token connectors send, and when it expires (undefined: does not). */
  accessToken(credential: C): { token: string; expiresAt?: string } | undefined;
}
