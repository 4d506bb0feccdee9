import type { Credential } from './Credential.js';

/** What a rotator may use: the network (tests inject fetch) and a clock. */
export interface RotationContext {
  readonly fetch?: typeof fetch;
  readonly now?: () => Date;
  readonly timeoutMs?: number;
  /** Waits between attempts (Entra's new-secret propagation); injected in tests. Defaults to setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * A URL that a candidate's access token must GET with a 2xx answer (e.g. the vendor's "who am I"),
   * for `test` of credentials whose access token cannot otherwise be proven (oauth2-refresh).
   */
  readonly testUrl?: string;
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
  /**
   * A fresh access token without rotating the credential, where the type allows it (client
   * credentials: any worker may ask, nothing is spent). Absent for refresh tokens, where getting an
   * access token spends the refresh token and so is a rotation.
   */
  renew?(credential: C, context: RotationContext): Promise<{ token: string; expiresAt?: string }>;
  /** The bearer token connectors send, and when it expires (undefined: does not). */
  accessToken(credential: C): { token: string; expiresAt?: string } | undefined;
}
