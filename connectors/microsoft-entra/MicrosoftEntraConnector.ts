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
  SessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import { classifyGraphError } from './classifyGraphError.js';
import type { MicrosoftEntraSettings } from './microsoftEntraSettingsSchema.js';

/** The user properties this connector reads; Graph returns only a default set without $select. */
interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly mail?: string | null;
  readonly accountEnabled?: boolean;
  readonly displayName?: string | null;
  readonly givenName?: string | null;
  readonly surname?: string | null;
  readonly jobTitle?: string | null;
  readonly department?: string | null;
  readonly employeeId?: string | null;
  readonly companyName?: string | null;
}

interface GraphCollection<T> {
  readonly value: readonly T[];
  readonly '@odata.nextLink'?: string;
}

/** Profile properties taken from the person; null clears one in Graph. */
type GraphProfile = Required<Pick<GraphUser, 'displayName' | 'givenName' | 'surname' | 'jobTitle' | 'department' | 'employeeId' | 'companyName'>>;

/**
 * accountEnabled and department are not in Graph's default user properties, so every read names
 * what it needs ("List users": "By default, only a limited set of properties are returned").
 */
const SELECT = 'id,userPrincipalName,mail,accountEnabled,displayName,givenName,surname,jobTitle,department,employeeId,companyName';

/** GET /users pages hold at most 999 users; the largest page means the fewest calls. */
const PAGE_SIZE = 999;

/** Group object ids are GUIDs; a display name in their place is a configuration mistake. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Microsoft Entra ID through Microsoft Graph v1.0: users, sign-in session revocation and group
 * membership. Users are matched by userPrincipalName (taken from the configured person attribute)
 * and addressed by their object id afterwards.
 *
 * Graph has no idempotency keys, so each mutation reads first or treats Graph's "already done"
 * answers as success: 400 "...already exist..." when adding a member twice and 404 when removing
 * one that is gone. The userPrincipalName conflict of a create (a lost create retried, or an
 * account Graph holds under a UPN it compares case-insensitively) reports the account found as
 * `existing`, for the engine to link or refuse. Throttling is 429 (and sometimes 503) with
 * Retry-After, which requestJson already honours.
 */
export class MicrosoftEntraConnector implements Connector, AccountManager, EntitlementProvisioner, SessionRevoker, AccountLister {
  public readonly type = 'microsoft-entra';

  public constructor(
    public readonly id: string,
    private readonly settings: MicrosoftEntraSettings,
    private readonly context: ConnectorContext,
  ) {}

  public async findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    const user = await this.findByUpn(this.upnFor(person));
    return user && toAccount(user);
  }

  public async createAccount(person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const userPrincipalName = this.upnFor(person);
    const existing = await this.findByUpn(userPrincipalName);
    if (existing) return { changed: false, existing: true, account: toAccount(existing) };
    const profile = profileFor(person, userPrincipalName);
    let created: GraphUser;
    try {
      const response = await this.call<GraphUser>({
        method: 'POST',
        url: `${this.settings.graphBaseUrl}/users`,
        body: {
          accountEnabled: true,
          ...withoutNulls(profile),
          mailNickname: mailNicknameFor(userPrincipalName),
          userPrincipalName,
          // Graph refuses a cloud account without a password; this one is never kept (see randomPassword).
          passwordProfile: { forceChangePasswordNextSignIn: true, password: randomPassword() },
        },
        operation: 'graph users.create',
      });
      created = response.body;
    } catch (error) {
      // "Another object with the same value for property userPrincipalName already exists.": an
      // earlier attempt, whose answer was lost, or a concurrent one created it.
      if (!(error instanceof ConnectorError && error.kind === 'conflict')) throw error;
      const raced = await this.findByUpn(userPrincipalName);
      if (!raced) throw error;
      return { changed: false, existing: true, account: toAccount(raced) };
    }
    // The create answer carries the default properties only; the account was created enabled.
    return { changed: true, account: toAccount({ ...created, accountEnabled: true }) };
  }

  /** The userPrincipalName is the correlation attribute; Graph compares it case-insensitively. */
  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    const value = person[this.settings.userPrincipalNameAttribute]?.trim();
    return value !== undefined && sameIdentifier(account.userName, value);
  }

  public async enableAccount(accountId: string, _idempotencyKey: string): Promise<AccountResult> {
    return this.ensureEnabled(await this.requireUser(accountId));
  }

  public async updateAccount(accountId: string, person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const user = await this.requireUser(accountId);
    // The userPrincipalName is how people are matched; renaming it is not a profile update.
    const desired = profileFor(person, user.userPrincipalName);
    const changes = Object.fromEntries(
      (Object.keys(desired) as (keyof GraphProfile)[]).filter((key) => (user[key] ?? null) !== desired[key]).map((key) => [key, desired[key]]),
    );
    if (Object.keys(changes).length === 0) return { changed: false, account: toAccount(user) };
    await this.call({ method: 'PATCH', url: this.userUrl(accountId), body: changes, operation: 'graph users.update' });
    return { changed: true, account: toAccount({ ...user, ...changes }) };
  }

  public async disableAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const user = await this.requireUser(accountId);
    if (user.accountEnabled === false) return { changed: false };
    await this.call({ method: 'PATCH', url: this.userUrl(accountId), body: { accountEnabled: false }, operation: 'graph users.update' });
    return { changed: true };
  }

  public async deleteAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const response = await this.call({ method: 'DELETE', url: this.userUrl(accountId), accept: [404], operation: 'graph users.delete' });
    return { changed: response.status !== 404 };
  }

  /**
   * revokeSignInSessions invalidates refresh tokens and session cookies; Graph answers `true`
   * whether or not there were any, so every call counts as a change.
   */
  public async revokeSessions(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    await this.call({ method: 'POST', url: `${this.userUrl(accountId)}/revokeSignInSessions`, operation: 'graph users.revokeSignInSessions' });
    return { changed: true };
  }

  public async grant(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const groupId = groupOf(entitlement);
    try {
      await this.call({
        method: 'POST',
        url: `${this.settings.graphBaseUrl}/groups/${groupId}/members/$ref`,
        body: { '@odata.id': `${this.settings.graphBaseUrl}/directoryObjects/${encodeURIComponent(accountId)}` },
        operation: 'graph groups.members.add',
      });
    } catch (error) {
      // 400 "One or more added object references already exist ...": already a member.
      if (error instanceof ConnectorError && error.kind === 'conflict') return { changed: false };
      throw error;
    }
    return { changed: true };
  }

  public async revoke(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const groupId = groupOf(entitlement);
    const response = await this.call({
      method: 'DELETE',
      url: `${this.settings.graphBaseUrl}/groups/${groupId}/members/${encodeURIComponent(accountId)}/$ref`,
      accept: [404],
      operation: 'graph groups.members.remove',
    });
    return { changed: response.status !== 404 };
  }

  public async listAccounts(cursor?: string): Promise<AccountPage> {
    const url = cursor ?? `${this.settings.graphBaseUrl}/users?${graphQuery({ $select: SELECT, $top: String(PAGE_SIZE) })}`;
    // The cursor is Graph's @odata.nextLink, used whole as Graph asks; it comes back from storage,
    // so it must point at the configured Graph before the bearer token is sent to it.
    if (!url.startsWith(`${this.settings.graphBaseUrl}/`)) {
      throw new ConnectorError('rejected', 'graph users.list: the cursor is not a Microsoft Graph link');
    }
    const { body } = await this.call<GraphCollection<GraphUser>>({ method: 'GET', url, operation: 'graph users.list' });
    const next = body['@odata.nextLink'];
    return { accounts: body.value.map(toAccount), ...(next ? { nextCursor: next } : {}) };
  }

  /** Re-enables a disabled account the engine linked (a rehire, a reversed leaver). */
  private async ensureEnabled(user: GraphUser): Promise<AccountResult> {
    if (user.accountEnabled !== false) return { changed: false, account: toAccount(user) };
    await this.call({ method: 'PATCH', url: this.userUrl(user.id), body: { accountEnabled: true }, operation: 'graph users.update' });
    return { changed: true, account: toAccount({ ...user, accountEnabled: true }) };
  }

  /**
   * $filter rather than GET /users/{upn}: a userPrincipalName may hold characters ("#", "/", a
   * leading "$") that do not survive a path segment, and "not found" is then an empty list, not a
   * 404 that could also mean a wrong base URL.
   */
  private async findByUpn(userPrincipalName: string): Promise<GraphUser | undefined> {
    const filter = `userPrincipalName eq '${userPrincipalName.replaceAll("'", "''")}'`;
    const { body } = await this.call<GraphCollection<GraphUser>>({
      method: 'GET',
      url: `${this.settings.graphBaseUrl}/users?${graphQuery({ $filter: filter, $select: SELECT })}`,
      operation: 'graph users.list',
    });
    return body.value[0];
  }

  private async requireUser(accountId: string): Promise<GraphUser> {
    const response = await this.call<GraphUser>({
      method: 'GET',
      url: `${this.userUrl(accountId)}?${graphQuery({ $select: SELECT })}`,
      accept: [404],
      operation: 'graph users.get',
    });
    if (response.status === 404) throw new ConnectorError('notFound', 'graph users.get: the account does not exist', { status: 404 });
    return response.body;
  }

  private userUrl(accountId: string): string {
    return `${this.settings.graphBaseUrl}/users/${encodeURIComponent(accountId)}`;
  }

  private upnFor(person: PersonSnapshot): string {
    const attribute = this.settings.userPrincipalNameAttribute;
    const value = person[attribute]?.trim();
    if (!value || !/^[^@\s]+@[^@\s]+$/.test(value)) {
      throw new ConnectorError('rejected', `graph: the person's ${attribute} is not a userPrincipalName (name@domain)`);
    }
    return value;
  }

  private call<T = unknown>(request: JsonRequest): Promise<JsonResponse<T>> {
    return requestJson<T>(this.context, { ...request, classifyError: classifyGraphError });
  }
}

function toAccount(user: GraphUser): AppAccount {
  return {
    accountId: user.id,
    userName: user.userPrincipalName,
    ...(user.mail ? { email: user.mail } : {}),
    active: user.accountEnabled === true,
  };
}

/** "group:<group object id>" is the only entitlement Entra has here. */
function groupOf(entitlement: string): string {
  const id = /^group:(.+)$/.exec(entitlement)?.[1]?.trim();
  if (!id || !GUID.test(id)) throw new ConnectorError('rejected', `graph: unknown entitlement "${entitlement}" (expected "group:<group object id>")`);
  return id;
}

/** The person's profile in Graph's terms; an absent attribute clears its property. */
function profileFor(person: PersonSnapshot, userPrincipalName: string): GraphProfile {
  const text = (value: string | undefined): string | null => value?.trim() || null;
  const givenName = text(person.givenName);
  const surname = text(person.familyName);
  const fullName = [givenName, surname].filter(Boolean).join(' ');
  const displayName = text(person.displayName) ?? (fullName || userPrincipalName.split('@')[0] || userPrincipalName);
  return {
    displayName: displayName.slice(0, 256),
    givenName,
    surname,
    jobTitle: text(person.title),
    department: text(person.department),
    employeeId: text(person.employeeNumber),
    companyName: text(person.organization),
  };
}

function withoutNulls(profile: GraphProfile): Partial<GraphProfile> {
  return Object.fromEntries(Object.entries(profile).filter(([, value]) => value !== null));
}

/**
 * mailNickname is required on create: at most 64 characters, none of @ ( ) \ [ ] " ; : < > , or
 * space. The userPrincipalName's local part, kept to the characters every mail system accepts.
 */
function mailNicknameFor(userPrincipalName: string): string {
  const local = (userPrincipalName.split('@')[0] ?? '').replace(/[^A-Za-z0-9._-]/g, '').replace(/^\.+|\.+$/g, '');
  return (local || 'user').slice(0, 64);
}

/**
 * OData system query options with "$" kept literal and values percent-encoded (spaces as %20:
 * URLSearchParams would write "+", which an OData parser may read as a literal plus).
 */
function graphQuery(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
}
