/** Who asked for an operation and in which request: every change an operator makes is recorded with it. */
export interface AdminRequest {
  /** The admin token's label (never the token). */
  readonly actor: string;
  readonly requestId: string;
  /** The request line as the audit trail shows it, e.g. "POST /admin/persons/p1/lockout". */
  readonly operation: string;
}
