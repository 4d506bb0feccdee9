/** A setting is missing or malformed; raised once, at start-up, never mid-request. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';

  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
