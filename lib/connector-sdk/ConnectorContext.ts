/** What a connector gets from the engine: a way to authenticate, and how to reach the network. */
export interface ConnectorContext {
  /** The current access token for the vendor API (cached and refreshed by the engine). */
  readonly accessToken: () => Promise<string>;
  /** Injected in tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout; defaults to 10 s. */
  readonly timeoutMs?: number;
}
