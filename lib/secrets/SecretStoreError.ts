export type SecretStoreErrorCode =
  /** The secret, or the version a stage should move to, does not exist. */
  | 'notFound'
  /**
   * The request contradicts what is stored: a version id reused with another value, or a stage that
   * is not on the version the caller named (someone else moved it). Re-read, then decide.
   */
  | 'conflict'
  /** The request is malformed (bad name, version id, stage or value size); retrying cannot help. */
  | 'invalid'
  /** The store failed: network, throttling, permissions, a key that does not decrypt, a damaged file. */
  | 'unavailable';

/**
 * Failures of a secret store, by code. Messages name the secret and the version, never the value:
 * they end up in logs, and a log is not a place for a credential.
 */
export class SecretStoreError extends Error {
  public override readonly name = 'SecretStoreError';

  public constructor(
    public readonly code: SecretStoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
