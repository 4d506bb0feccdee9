export type AccessErrorCode = 'versionMismatch' | 'unavailable';

/** Failures of the access store: a concurrent planner won (retry), or the store failed. */
export class AccessError extends Error {
  public override readonly name = 'AccessError';

  public constructor(
    public readonly code: AccessErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
