/** A pagination cursor that was not issued by this API (tampered, truncated, from elsewhere): 400. */
export class InvalidCursorError extends Error {
  public override readonly name = 'InvalidCursorError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
