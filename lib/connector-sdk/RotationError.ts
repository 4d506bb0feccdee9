/**
 * A rotation step failed; AWSCURRENT is untouched and keeps working. Never carries a secret.
 *
 * `retryable` says whether running the step again later can succeed (429, 5xx, a dropped connection,
 * a new secret the vendor has not propagated yet) or needs a person (a rejected refresh token, a
 * revoked client secret, a missing permission). `retryAfterMs` is the vendor's Retry-After, if any.
 */
export class RotationError extends Error {
  public override readonly name = 'RotationError';
  public readonly retryable: boolean;
  public readonly retryAfterMs: number | undefined;

  public constructor(message: string, options: ErrorOptions & { retryable?: boolean; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
