/** A rotation step failed; AWSCURRENT is untouched and keeps working. Never carries a secret. */
export class RotationError extends Error {
  public override readonly name = 'RotationError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
