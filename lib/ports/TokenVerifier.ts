/** Who a valid bearer token belongs to; the label goes into the audit trail, the token never does. */
export interface TokenIdentity {
  readonly label: string;
}

export interface TokenVerifier {
  /** Resolves the identity for a valid token, undefined for anything else. */
  verify(token: string): Promise<TokenIdentity | undefined>;
}
