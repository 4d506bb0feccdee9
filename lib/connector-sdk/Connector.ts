import type { PersonSnapshot } from '../domain/PersonSnapshot.js';

/**
 * The connector contract. A connector is the adapter for one SaaS app; it implements only the
 * capabilities its vendor's API offers, each a small interface, detected with the type guards below
 * (the shape ConductorOne's baton-sdk uses). The planner asks "can this app revoke sessions?" by
 * type, never by app name.
 *
 * Every mutating call takes the step's idempotency key (sent to vendors that accept one) and must be
 * safe to repeat: doing what is already done returns `{ changed: false }` instead of failing, so a
 * redelivered step is recorded as "skipped, already in place". Failures are ConnectorErrors; their
 * `retryable` flag decides between back-off and the dead-letter list.
 */
export interface Connector {
  /** The configured instance id, e.g. "slack-prod". */
  readonly id: string;
  /** The connector type, e.g. "scim", "slack", "github". */
  readonly type: string;
}

/** An account in the app, as far as Perimeter needs to know it. */
export interface AppAccount {
  /** The app's own id for the account. */
  readonly accountId: string;
  readonly userName: string;
  readonly email?: string;
  /** The HR employee number, for apps that hold one (import correlation by `employeeNumber`). */
  readonly employeeNumber?: string;
  /** The identity provider's id for the person, for apps that hold one (SCIM `externalId`). */
  readonly externalId?: string;
  readonly active: boolean;
  /** Entitlements the account holds, in the connector's vocabulary (e.g. "team:platform"). */
  readonly entitlements?: readonly string[];
}

export interface ChangeResult {
  /** False when the app was already in the requested state (nothing was changed). */
  readonly changed: boolean;
}

export interface AccountResult extends ChangeResult {
  readonly account: AppAccount;
  /**
   * True when createAccount did not create the account because the app already held one it
   * answered "already exists" for (or that a read before the create found). The connector has then
   * made no change to that account: whether it is the person's is the engine's decision, by its
   * account links and `correlates`, and an existing account the engine takes is re-enabled with
   * `enableAccount`. Absent or false: the connector created the account just now.
   */
  readonly existing?: boolean;
}

/** Creates, finds, updates, disables and deletes accounts. */
export interface AccountManager {
  /** The person's account, matched the way the vendor identifies people (email, userName). */
  findAccount(person: PersonSnapshot): Promise<AppAccount | undefined>;
  /**
   * Creates the account. When the app already holds one for the person (its "already exists"
   * answer, or a read first), returns that account with `existing: true` and `changed: false`,
   * without touching it: an app that folds names (Unicode normalisation, trimming, case) answers
   * "already exists" for a look-alike too, and adopting its answer would hand one person's account
   * to another. The engine links an existing account only when no other person holds it and
   * `correlates` says it is the person's.
   */
  createAccount(person: PersonSnapshot, idempotencyKey: string): Promise<AccountResult>;
  /**
   * Whether `account` is the person's by the connector's correlation attribute (the value it
   * creates accounts with and looks them up by: userName or email, the GitHub login, the primary
   * email, the userPrincipalName), compared with `sameIdentifier`: exactly, ASCII letters
   * case-insensitively, and never after the app's own folding.
   */
  correlates(account: AppAccount, person: PersonSnapshot): boolean;
  /**
   * The id an account for the person will have, for apps whose ids come from the person (a GitHub
   * login): the engine refuses to create one another person's link holds. Absent: the app mints ids.
   */
  plannedAccountId?(person: PersonSnapshot): string | undefined;
  /**
   * The form of an account id that account links are keyed by, for apps whose ids compare
   * case-insensitively (GitHub logins: "Carol-Dev" and "carol-dev" are one account); the id itself
   * when absent.
   */
  accountKey?(accountId: string): string;
  /** Re-enables a disabled account (a returning person's own, linked account); `changed: false` if enabled. */
  enableAccount(accountId: string, idempotencyKey: string): Promise<AccountResult>;
  updateAccount(accountId: string, person: PersonSnapshot, idempotencyKey: string): Promise<AccountResult>;
  disableAccount(accountId: string, idempotencyKey: string): Promise<ChangeResult>;
  deleteAccount(accountId: string, idempotencyKey: string): Promise<ChangeResult>;
}

/** Grants and revokes entitlements (group, team, role memberships). */
export interface EntitlementProvisioner {
  grant(accountId: string, entitlement: string, idempotencyKey: string): Promise<ChangeResult>;
  revoke(accountId: string, entitlement: string, idempotencyKey: string): Promise<ChangeResult>;
}

/** Ends the account's active sessions and tokens (a leaver keeps no open browser session). */
export interface SessionRevoker {
  revokeSessions(accountId: string, idempotencyKey: string): Promise<ChangeResult>;
}

/** Hands a leaver's data (files, calendars) to another account, usually the manager's. */
export interface OwnershipTransferrer {
  transferOwnership(fromAccountId: string, toAccountId: string, idempotencyKey: string): Promise<ChangeResult>;
}

export interface AccountPage {
  readonly accounts: readonly AppAccount[];
  /** Pass back to get the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** Lists accounts page by page (reconciliation finds orphans and drift with it). */
export interface AccountLister {
  listAccounts(cursor?: string): Promise<AccountPage>;
}

export const isAccountManager = (c: Connector): c is Connector & AccountManager =>
  typeof (c as Partial<AccountManager>).createAccount === 'function' &&
  typeof (c as Partial<AccountManager>).disableAccount === 'function';

export const isEntitlementProvisioner = (c: Connector): c is Connector & EntitlementProvisioner =>
  typeof (c as Partial<EntitlementProvisioner>).grant === 'function' &&
  typeof (c as Partial<EntitlementProvisioner>).revoke === 'function';

export const isSessionRevoker = (c: Connector): c is Connector & SessionRevoker =>
  typeof (c as Partial<SessionRevoker>).revokeSessions === 'function';

export const isOwnershipTransferrer = (c: Connector): c is Connector & OwnershipTransferrer =>
  typeof (c as Partial<OwnershipTransferrer>).transferOwnership === 'function';

export const isAccountLister = (c: Connector): c is Connector & AccountLister =>
  typeof (c as Partial<AccountLister>).listAccounts === 'function';
