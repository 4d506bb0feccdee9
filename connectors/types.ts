import type { PersonSnapshot } from '../lib/lifecycle/PersonSnapshot.js';

/**
 * The connector contract. A connector is the adapter for one SaaS app; it implements only the
 * capabilities its vendor's API offers, each a small interface, detected with the type guards below
 * (the shape ConductorOne's baton-sdk uses). The planner asks "can this app revoke sessions?" by
 * type, never by app name.
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
  readonly active: boolean;
  readonly entitlements?: readonly string[];
}

export interface AccountManager {
  createAccount(person: PersonSnapshot, idempotencyKey: string): Promise<AppAccount>;
  updateAccount(accountId: string, person: PersonSnapshot, idempotencyKey: string): Promise<AppAccount>;
  disableAccount(accountId: string, idempotencyKey: string): Promise<void>;
  deleteAccount(accountId: string, idempotencyKey: string): Promise<void>;
  findAccount(person: PersonSnapshot): Promise<AppAccount | undefined>;
}

export interface EntitlementProvisioner {
  grant(accountId: string, entitlement: string, idempotencyKey: string): Promise<void>;
  revoke(accountId: string, entitlement: string, idempotencyKey: string): Promise<void>;
}

export interface SessionRevoker {
  revokeSessions(accountId: string, idempotencyKey: string): Promise<void>;
}

export interface AccountLister {
  /** One page of accounts; pass the returned cursor back for the next page. */
  listAccounts(cursor?: string): Promise<{ accounts: AppAccount[]; nextCursor?: string }>;
}

export const isAccountManager = (c: Connector): c is Connector & AccountManager =>
  typeof (c as Partial<AccountManager>).createAccount === 'function' &&
  typeof (c as Partial<AccountManager>).disableAccount === 'function';

export const isEntitlementProvisioner = (c: Connector): c is Connector & EntitlementProvisioner =>
  typeof (c as Partial<EntitlementProvisioner>).grant === 'function' &&
  typeof (c as Partial<EntitlementProvisioner>).revoke === 'function';

export const isSessionRevoker = (c: Connector): c is Connector & SessionRevoker =>
  typeof (c as Partial<SessionRevoker>).revokeSessions === 'function';

export const isAccountLister = (c: Connector): c is Connector & AccountLister =>
  typeof (c as Partial<AccountLister>).listAccounts === 'function';
