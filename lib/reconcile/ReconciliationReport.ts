export interface OrphanAccount {
  readonly accountId: string;
  readonly userName: string;
  readonly email?: string;
  /** Why it is an orphan: nobody in the directory has it, or its person is inactive. */
  readonly reason: 'no matching person' | 'person is inactive' | 'no rule grants this app';
  readonly personId?: string;
}

export interface EntitlementDrift {
  readonly personId: string;
  readonly accountId: string;
  /** Held in the app but not justified by policy. */
  readonly unjustified: readonly string[];
  /** Justified by policy but missing in the app. */
  readonly missing: readonly string[];
}

/**
 * Access a person should hold in the app and does not: the account their link names is gone from
 * the app (a stale link), disabled there by hand, or was never recorded.
 */
export interface MissingAccess {
  readonly personId: string;
  readonly accountId?: string;
  readonly reason: 'account gone from the app' | 'account disabled in the app';
}

/**
 * A link to an account the app no longer lists, held by someone policy gives no account there (a
 * leaver, a mover): nothing to re-create, so a fixing run releases the link.
 */
export interface StaleLink {
  readonly personId: string;
  readonly accountId: string;
}

/** What reconciliation found in one app. */
export interface ReconciliationReport {
  readonly app: string;
  readonly runId: string;
  readonly checkedAt: string;
  readonly accounts: number;
  readonly orphans: readonly OrphanAccount[];
  readonly drift: readonly EntitlementDrift[];
  readonly missing: readonly MissingAccess[];
  readonly staleLinks: readonly StaleLink[];
  /** Links a fixing run released (the stale ones). */
  readonly linksReleased: number;
  /** The app is in import mode: findings are reported, nothing is fixed until its import is approved. */
  readonly importing?: true;
  /** Steps queued to fix what was found (when fixing was asked for). */
  readonly stepsQueued: number;
  /** Set when the app could not be listed. */
  readonly error?: string;
}
