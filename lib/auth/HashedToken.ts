/**
 * A bearer token as it is stored: only its SHA-256, so a leaked store or config file does not leak
 * usable tokens. `notAfter` ends a token's validity (the old token during a rotation overlap).
 */
export interface HashedToken {
  readonly label: string;
  /** Hex SHA-256 of the token. */
  readonly sha256: string;
  readonly notAfter?: string;
}
