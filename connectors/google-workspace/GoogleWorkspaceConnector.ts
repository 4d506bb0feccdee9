import { randomInt } from 'node:crypto';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { sameIdentifier } from '../../lib/connector-sdk/sameIdentifier.js';
import { type JsonRequest, type JsonResponse, requestJson } from '../../lib/connector-sdk/requestJson.js';
import { randomPassword } from '../../lib/connector-sdk/randomPassword.js';
import type {
  AccountLister,
  AccountManager,
  AccountPage,
  AccountResult,
  AppAccount,
  ChangeResult,
  Connector,
  EntitlementProvisioner,
  OwnershipTransferrer,
  SessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import { classifyGoogleError } from './classifyGoogleError.js';
import type { GoogleWorkspaceSettings } from './googleWorkspaceSettingsSchema.js';

/** The subset of the Directory API's User resource this connector reads and writes. */
interface GoogleUser {
  readonly id: string;
  readonly primaryEmail: string;
  readonly suspended?: boolean;
  readonly archived?: boolean;
  readonly name?: { readonly givenName?: string; readonly familyName?: string; readonly fullName?: string };
  readonly organizations?: readonly GoogleOrganization[];
}

/** users[].organizations[]: the fields this connector manages, plus whatever else an admin set. */
interface GoogleOrganization {
  readonly primary?: boolean;
  readonly title?: string;
  readonly department?: string;
  readonly costCenter?: string;
  readonly [other: string]: unknown;
}

interface GoogleUserList {
  readonly users?: readonly GoogleUser[];
  readonly nextPageToken?: string;
}

interface GoogleErrorBody {
  readonly error?: { readonly message?: string };
}

interface DataTransferList {
  readonly dataTransfers?: readonly {
    readonly overallTransferStatusCode?: string;
    readonly applicationDataTransfers?: readonly { readonly applicationId?: string | number }[];
  }[];
  readonly nextPageToken?: string;
}

/** Organization fields taken from the person; any other field of the entry is the admin's and kept. */
const MANAGED_ORGANIZATION_FIELDS = ['title', 'department', 'costCenter'] as const;

/** users.list allows 1 to 500 per page; the largest page means the fewest calls. */
const MAX_RESULTS = 500;

/** Google's back-off recipe: 1 s, 2 s, 4 s, ... plus up to 1 s of jitter, capped at 64 s. */
const MAX_BACKOFF_MS = 64_000;

/**
 * Google Workspace through the Admin SDK: the Directory API for users, sessions and group
 * membership, the Data Transfer API for handing a leaver's Drive files to someone else.
 *
 * Accounts are matched by primary email (users.get takes it as the userKey) and addressed by
 * Google's immutable user id afterwards. Google has no idempotency keys, so every mutation is made
 * idempotent by reading first or by reading the "already done" answer (409 duplicate, 404 on a
 * removal). Google signals rate limits with 403 as well as 429 and rarely sends Retry-After; such an
 * error gets an exponential back-off hint (the recipe on the Directory API's limits page) that grows
 * while this instance keeps being throttled.
 */
export class GoogleWorkspaceConnector
  implements Connector, AccountManager, EntitlementProvisioner, SessionRevoker, OwnershipTransferrer, AccountLister
{
  public readonly type = 'google-workspace';
  /** Rate-limit answers since the last success; drives the back-off hint. */
  private throttledInARow = 0;

  public constructor(
    public readonly id: string,
    private readonly settings: GoogleWorkspaceSettings,
    private readonly context: ConnectorContext,
  ) {}

  public async findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    const user = await this.getUser(primaryEmailFor(person));
    return user && toAccount(user);
  }

  public async createAccount(person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const primaryEmail = primaryEmailFor(person);
    const existing = await this.getUser(primaryEmail);
    if (existing) return { changed: false, existing: true, account: toAccount(existing) };
    const organizations = organizationsFor(person, undefined);
    let created: GoogleUser;
    try {
      // Google refuses an account without a password; this one is never kept (see randomPassword).
      const response = await this.call<GoogleUser>({
        method: 'POST',
        url: `${this.settings.directoryBaseUrl}/users`,
        body: { primaryEmail, name: nameFor(person, primaryEmail), password: randomPassword(), ...(organizations.length ? { organizations } : {}) },
        operation: 'google users.insert',
      });
      created = response.body;
    } catch (error) {
      // 409 duplicate: a concurrent or earlier attempt (whose answer was lost) created it.
      if (!(error instanceof ConnectorError && error.kind === 'conflict')) throw error;
      const raced = await this.getUser(primaryEmail);
      if (!raced) throw error;
      return { changed: false, existing: true, account: toAccount(raced) };
    }
    return { changed: true, account: toAccount(created) };
  }

  /** The primary email is the correlation attribute (users.get takes it as the userKey). */
  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    const primaryEmail = primaryEmailOrUndefined(person);
    return primaryEmail !== undefined && account.email !== undefined && sameIdentifier(account.email, primaryEmail);
  }

  public async enableAccount(accountId: string, _idempotencyKey: string): Promise<AccountResult> {
    return this.ensureActive(await this.requireUser(accountId));
  }

  public async updateAccount(accountId: string, person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const user = await this.requireUser(accountId);
    // The primary email is the account's identity here; a rename is a separate, deliberate act.
    const name = nameFor(person, user.primaryEmail);
    const organizations = organizationsFor(person, user.organizations);
    if (sameName(user.name, name) && sameOrganizations(user.organizations, organizations)) return { changed: false, account: toAccount(user) };
    const response = await this.call<GoogleUser>({
      method: 'PUT',
      url: this.userUrl(accountId),
      body: { name, organizations },
      operation: 'google users.update',
    });
    return { changed: true, account: toAccount(response.body) };
  }

  /** Google's "disable" is suspension: sign-in stops, data and licences stay. */
  public async disableAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const user = await this.requireUser(accountId);
    if (user.suspended === true) return { changed: false };
    await this.call({ method: 'PUT', url: this.userUrl(accountId), body: { suspended: true }, operation: 'google users.update' });
    return { changed: true };
  }

  public async deleteAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const response = await this.call({ method: 'DELETE', url: this.userUrl(accountId), accept: [404], operation: 'google users.delete' });
    return { changed: response.status !== 404 };
  }

  /** users.signOut ends every web and device session; Google cannot say whether there were any. */
  public async revokeSessions(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    await this.call({ method: 'POST', url: `${this.userUrl(accountId)}/signOut`, operation: 'google users.signOut' });
    return { changed: true };
  }

  public async grant(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const group = groupOf(entitlement);
    // members.insert requires the member's email ("required when adding a member to a group").
    const user = await this.requireUser(accountId);
    try {
      await this.call({
        method: 'POST',
        url: `${this.groupUrl(group)}/members`,
        body: { email: user.primaryEmail, role: 'MEMBER' },
        operation: 'google members.insert',
      });
    } catch (error) {
      // 409 duplicate "Member already exists.": the grant is already in place.
      if (error instanceof ConnectorError && error.kind === 'conflict') return { changed: false };
      throw error;
    }
    return { changed: true };
  }

  public async revoke(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const group = groupOf(entitlement);
    const response = await this.call<GoogleErrorBody | undefined>({
      method: 'DELETE',
      url: `${this.groupUrl(group)}/members/${encodeURIComponent(accountId)}`,
      accept: [404],
      operation: 'google members.delete',
    });
    if (response.status !== 404) return { changed: true };
    // "Resource Not Found: memberKey" means already removed; a missing group is a configuration
    // mistake that must not pass as done.
    if (/groupKey/.test(response.body?.error?.message ?? '')) {
      throw new ConnectorError('notFound', 'google members.delete: the group does not exist', { status: 404 });
    }
    return { changed: false };
  }

  /**
   * Starts a Data Transfer of all Drive and Docs files (PRIVACY_LEVEL PRIVATE and SHARED; Google's
   * default is SHARED only). A transfer for the same pair and application that has not failed means
   * it is already under way or done, so a redelivered step does not start a second one.
   */
  public async transferOwnership(fromAccountId: string, toAccountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const applicationId = this.settings.driveApplicationId;
    if (await this.hasTransfer(fromAccountId, toAccountId, applicationId)) return { changed: false };
    await this.call({
      method: 'POST',
      url: `${this.settings.dataTransferBaseUrl}/transfers`,
      body: {
        oldOwnerUserId: fromAccountId,
        newOwnerUserId: toAccountId,
        applicationDataTransfers: [{ applicationId, applicationTransferParams: [{ key: 'PRIVACY_LEVEL', value: ['PRIVATE', 'SHARED'] }] }],
      },
      operation: 'google transfers.insert',
    });
    return { changed: true };
  }

  public async listAccounts(cursor?: string): Promise<AccountPage> {
    const query = new URLSearchParams({ customer: this.settings.customer, maxResults: String(MAX_RESULTS) });
    if (cursor !== undefined) query.set('pageToken', cursor);
    const { body } = await this.call<GoogleUserList>({
      method: 'GET',
      url: `${this.settings.directoryBaseUrl}/users?${query}`,
      operation: 'google users.list',
    });
    return { accounts: (body.users ?? []).map(toAccount), ...(body.nextPageToken ? { nextCursor: body.nextPageToken } : {}) };
  }

  private async hasTransfer(from: string, to: string, applicationId: string): Promise<boolean> {
    let pageToken: string | undefined;
    do {
      const query = new URLSearchParams({ oldOwnerUserId: from, newOwnerUserId: to });
      if (pageToken !== undefined) query.set('pageToken', pageToken);
      const { body } = await this.call<DataTransferList>({
        method: 'GET',
        url: `${this.settings.dataTransferBaseUrl}/transfers?${query}`,
        operation: 'google transfers.list',
      });
      const found = (body.dataTransfers ?? []).some(
        (transfer) =>
          transfer.overallTransferStatusCode !== 'failed' &&
          (transfer.applicationDataTransfers ?? []).some((app) => String(app.applicationId) === applicationId),
      );
      if (found) return true;
      pageToken = body.nextPageToken || undefined;
    } while (pageToken !== undefined);
    return false;
  }

  /** Re-enables a suspended account the engine linked (a rehire, a reversed leaver). */
  private async ensureActive(user: GoogleUser): Promise<AccountResult> {
    if (user.suspended !== true) return { changed: false, account: toAccount(user) };
    const response = await this.call<GoogleUser>({
      method: 'PUT',
      url: this.userUrl(user.id),
      body: { suspended: false },
      operation: 'google users.update',
    });
    return { changed: true, account: toAccount(response.body) };
  }

  /** users.get by email or id; undefined on 404 ("Resource Not Found: userKey"). */
  private async getUser(userKey: string): Promise<GoogleUser | undefined> {
    const response = await this.call<GoogleUser>({ method: 'GET', url: this.userUrl(userKey), accept: [404], operation: 'google users.get' });
    return response.status === 404 ? undefined : response.body;
  }

  private async requireUser(accountId: string): Promise<GoogleUser> {
    const user = await this.getUser(accountId);
    if (!user) throw new ConnectorError('notFound', 'google users.get: the account does not exist', { status: 404 });
    return user;
  }

  private userUrl(userKey: string): string {
    return `${this.settings.directoryBaseUrl}/users/${encodeURIComponent(userKey)}`;
  }

  private groupUrl(groupKey: string): string {
    return `${this.settings.directoryBaseUrl}/groups/${encodeURIComponent(groupKey)}`;
  }

  /**
   * Every call goes through here: Google's error reading, and the back-off hint for a rate limit
   * that came without Retry-After (the usual case for Google's 403s). The hint is a floor for the
   * engine's own back-off; a fresh instance starts again at about a second.
   */
  private async call<T = unknown>(request: JsonRequest): Promise<JsonResponse<T>> {
    try {
      const response = await requestJson<T>(this.context, { ...request, classifyError: classifyGoogleError });
      this.throttledInARow = 0;
      return response;
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.kind !== 'rateLimited') throw error;
      const attempt = this.throttledInARow++;
      if (error.retryAfterMs !== undefined) throw error;
      const retryAfterMs = Math.min(2 ** Math.min(attempt, 6) * 1000 + randomInt(1000), MAX_BACKOFF_MS);
      const status = error.status === undefined ? {} : { status: error.status };
      throw new ConnectorError('rateLimited', error.message, { ...status, retryAfterMs, cause: error });
    }
  }
}

function toAccount(user: GoogleUser): AppAccount {
  return {
    accountId: user.id,
    userName: user.primaryEmail,
    email: user.primaryEmail,
    // An archived user cannot sign in either; both count as inactive for reconciliation.
    active: user.suspended !== true && user.archived !== true,
  };
}

/**
 * The Google primary email for a person: the userName when it is an address (the usual SCIM
 * userName), else the email. Neither is a configuration problem, not something to retry. Only
 * ASCII letters are lowercased: JavaScript's full case mapping turns a look-alike such as
 * "\u212Aate@" (KELVIN SIGN) into another person's "kate@".
 */
function primaryEmailFor(person: PersonSnapshot): string {
  const primaryEmail = primaryEmailOrUndefined(person);
  if (primaryEmail === undefined) throw new ConnectorError('rejected', 'google: the person has neither a userName nor an email that is an email address');
  return primaryEmail;
}

function primaryEmailOrUndefined(person: PersonSnapshot): string | undefined {
  const candidate = [person.userName, person.email].find((value) => value !== undefined && /^[^@\s]+@[^@\s]+$/.test(value.trim()));
  return candidate?.trim().replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** "group:<group email>" is the only entitlement Google Workspace has here. */
function groupOf(entitlement: string): string {
  const match = /^group:(.+)$/.exec(entitlement);
  if (!match?.[1]?.trim()) throw new ConnectorError('rejected', `google: unknown entitlement "${entitlement}" (expected "group:<group email>")`);
  return match[1].trim();
}

/**
 * Google requires givenName and familyName (at most 60 characters each). People without them get
 * them from the display name, or failing that from the email's local part.
 */
function nameFor(person: PersonSnapshot, primaryEmail: string): { givenName: string; familyName: string } {
  const local = primaryEmail.split('@')[0] ?? primaryEmail;
  const [first, ...rest] = (person.displayName ?? '').trim().split(/\s+/).filter(Boolean);
  const givenName = person.givenName?.trim() || first || local;
  const familyName = person.familyName?.trim() || rest.join(' ') || local;
  return { givenName: givenName.slice(0, 60), familyName: familyName.slice(0, 60) };
}

/**
 * The organizations array to send: the primary entry's title, department and cost centre become
 * the person's (an absent attribute clears the field, since the snapshot is the source of truth),
 * every other field and entry is kept, because users.update replaces the whole array.
 */
function organizationsFor(person: PersonSnapshot, current: readonly GoogleOrganization[] | undefined): GoogleOrganization[] {
  const entries = [...(current ?? [])];
  // The entry flagged primary, else the first one (Google shows that one as the user's job).
  const flagged = entries.findIndex((entry) => entry.primary === true);
  const index = flagged !== -1 ? flagged : entries.length > 0 ? 0 : -1;
  const managed = Object.fromEntries(
    MANAGED_ORGANIZATION_FIELDS.flatMap((field) => (person[field]?.trim() ? [[field, person[field]?.trim()]] : [])),
  ) as Partial<Record<(typeof MANAGED_ORGANIZATION_FIELDS)[number], string>>;
  if (index === -1) return Object.keys(managed).length ? [{ primary: true, type: 'work', ...managed }] : [];
  const kept = Object.fromEntries(
    Object.entries(entries[index] as GoogleOrganization).filter(([key]) => !(MANAGED_ORGANIZATION_FIELDS as readonly string[]).includes(key)),
  );
  entries[index] = { ...kept, primary: true, ...managed };
  return entries;
}

function sameName(current: GoogleUser['name'], desired: { givenName: string; familyName: string }): boolean {
  return current?.givenName === desired.givenName && current?.familyName === desired.familyName;
}

function sameOrganizations(current: readonly GoogleOrganization[] | undefined, desired: readonly GoogleOrganization[]): boolean {
  const now = current ?? [];
  if (now.length !== desired.length) return false;
  return desired.every((entry, i) => {
    const other = now[i] ?? {};
    const sameFields = MANAGED_ORGANIZATION_FIELDS.every((field) => (entry[field] ?? '') === (other[field] ?? ''));
    return sameFields && (entry.primary ?? false) === (other.primary ?? false);
  });
}
