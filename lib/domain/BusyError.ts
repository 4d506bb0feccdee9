/**
 * Too many concurrent writers to one resource for this request to take its turn in time: nothing
 * was written, and the same request may simply be sent again after `retryAfterSeconds`. The edges
 * answer 503 with Retry-After (never 409, which identity providers read as a uniqueness conflict).
 */
export class BusyError extends Error {
  public override readonly name = 'BusyError';

  public constructor(
    message: string,
    public readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
