import type { AccountLinkOutcome, ActualAccess, AccountStatus, PlannedAccess } from '../domain/AccessRecords.js';

/**
 * Planned and actual access per person. Planned access is written with optimistic concurrency
 * (AccessError 'versionMismatch'); actual access is a projection the executor updates with atomic
 * set operations, safe to repeat.
 *
 * Account links: (person, app) → account id is the person's actual access `accountId`; the reverse,
 * (app, account id) → person, is a link record held unique by a conditional write, so no two
 * people can hold one app account. Links are written when Perimeter creates an account or
 * deliberately links an existing one, never inferred from an app's "already exists".
 */
export interface AccessStore {
  getPlanned(personId: string): Promise<PlannedAccess | undefined>;
  /** Writes `next` if the stored version is still `next.version - 1` (or absent for version 1). */
  putPlanned(next: PlannedAccess): Promise<void>;
  /** Clears pendingSteps once they are queued, if the version is unchanged. */
  clearPendingSteps(personId: string, version: number): Promise<void>;
  listPendingPlans(limit: number): Promise<PlannedAccess[]>;

  getActual(personId: string, app: string): Promise<ActualAccess | undefined>;
  listActual(personId: string): Promise<ActualAccess[]>;
  listActualByApp(app: string): Promise<ActualAccess[]>;
  /** Records the outcome of a step: status, account id, entitlements added or removed. */
  applyActual(
    personId: string,
    app: string,
    change: { status?: AccountStatus; accountId?: string; addEntitlement?: string; removeEntitlement?: string; at: string },
  ): Promise<void>;

  /**
   * The person whose link holds the app's account, if anyone's does. An actual-access row that
   * carries the account id (and is not deleted) from before links were recorded counts as a link:
   * it is found on this read and recorded as one (a lazy backfill), so this may write.
   */
  accountHolder(app: string, accountId: string): Promise<string | undefined>;
  /**
   * Links the app's account to the person, unless another person holds it: of people linking one
   * account at once, exactly one wins. Linking an account the person holds already is a no-op.
   * Only the link record is written; the caller records the account id in actual access.
   */
  linkAccount(personId: string, app: string, accountId: string, at: string): Promise<AccountLinkOutcome>;
  /** Releases the account's link if this person holds it (the account is gone); anyone else's stays. */
  unlinkAccount(personId: string, app: string, accountId: string): Promise<void>;
}
