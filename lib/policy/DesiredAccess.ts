/** What policy says one person should have in one app, and which rules say so. */
export interface DesiredApp {
  readonly app: string;
  /** Rules that grant the account itself. */
  readonly accountRules: readonly string[];
  /** Entitlement → the rules that grant it. */
  readonly entitlements: ReadonlyMap<string, readonly string[]>;
}

/** App id → desired access; apps absent from the map are apps the person should not have. */
export type DesiredAccess = ReadonlyMap<string, DesiredApp>;
