/** The counts of an import report (its lists are in the report's parts). */
export interface ImportCounts {
  readonly accounts: number;
  readonly linked: number;
  readonly ambiguous: number;
  readonly unmatched: number;
  readonly alreadyLinked: number;
}

/** Where the last import report of an app is kept (in parts, as large results are), and its size. */
export interface ImportReportRef {
  readonly reportId: string;
  readonly checkedAt: string;
  readonly counts: ImportCounts;
  /** How many `report-<n>` parts hold its entries. */
  readonly parts: number;
}

/** An approval of an import report: who approved which report, and what it linked. */
export interface ImportApproval {
  readonly reportId: string;
  readonly approvedBy: string;
  readonly approvedAt: string;
  readonly linked: number;
  /** Accounts of the report that could not be linked any more (the person left or took another account). */
  readonly skipped: number;
}

/**
 * Whether Perimeter waits for an app's existing accounts to be imported before it provisions there.
 * `importing`: a connector new to the policy whose app listed accounts (or could not be listed):
 * no account is created or entitlement changed in it, and reconciliation fixes no orphan there,
 * until an import is approved. `active`: the app is provisioned as usual. An app without a mode (it
 * predates import mode, or it was never noticed as new) is active.
 */
export interface ImportMode {
  readonly state: 'importing' | 'active';
  /** Why it is in this state: `accounts-found`, `listing-failed`, `no-accounts`, `approved`, `cannot-list`. */
  readonly reason: string;
  readonly since: string;
}

/**
 * An app's import: its mode, its last report of the app's accounts matched to people, and the last approval,
 * which linked the report's unique matches.
 */
export interface ConnectorImport {
  readonly app: string;
  readonly changedAt: string;
  /** Incremented by every save; saves are conditional on it. */
  readonly version: number;
  readonly mode?: ImportMode;
  readonly report?: ImportReportRef;
  readonly approval?: ImportApproval;
}
