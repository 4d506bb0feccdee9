export type ConnectorErrorKind =
  /** 429: the vendor asked us to slow down (retryAfterMs says for how long, when it said). */
  | 'rateLimited'
  /** 5xx, connection reset, malformed response: the vendor is having a moment. */
  | 'unavailable'
  /** No answer within the connector's timeout. */
  | 'timeout'
  /** 401/403: our credential is wrong, expired or lacks a scope. Retrying will not help. */
  | 'auth'
  /** 404 on something that must exist. */
  | 'notFound'
  /** 409 or a vendor-specific "already exists" that is not the same thing. */
  | 'conflict'
  /** Any other 4xx: the request itself is wrong for this vendor. */
  | 'rejected';

const RETRYABLE: ReadonlySet<ConnectorErrorKind> = new Set(['rateLimited', 'unavailable', 'timeout']);

/**
 * A failed call to a SaaS API. `retryable` errors go back on the queue with back-off (at least
 * `retryAfterMs`); the others go to the dead-letter list. Messages name the operation and status,
 * never a token or a response body that might echo one.
 */
export class ConnectorError extends Error {
  public override readonly name = 'ConnectorError';
  public readonly retryable: boolean;

  public constructor(
    public readonly kind: ConnectorErrorKind,
    message: string,
    options: ErrorOptions & { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message, options);
    this.retryable = RETRYABLE.has(kind);
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  public readonly status: number | undefined;
  public readonly retryAfterMs: number | undefined;
}
