import { randomUUID } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from '../FakeServer.js';

/**
 * A fake of the Google Workspace Admin SDK, built from Google's reference pages:
 *
 * - Directory API users (developers.google.com/workspace/admin/directory/reference/rest/v1/users):
 *   get, insert, update (PUT, patch semantics), patch, delete, list (customer or domain required,
 *   maxResults 1–500, pageToken / nextPageToken, no `users` key on an empty page) and signOut;
 *   "Manage user accounts" for the insert payload (primaryEmail, name.givenName, name.familyName,
 *   password). Email addresses are case-insensitive, as Google documents, and compared here by full
 *   Unicode lowercasing (stored lowercased, looked up lowercased), so a KELVIN SIGN look-alike
 *   collides with its "k" as it would in a folding directory: users.get finds the other user, and
 *   an insert is 409 "Entity already exists." (reason duplicate).
 * - Directory API members (.../v1/members, "Manage group members"): insert ({email, role}, email
 *   required, 409 "Member already exists." on a repeat), delete (404 "Resource Not Found: memberKey"
 *   for a non-member, "...: groupKey" for an unknown group).
 * - Data Transfer API transfers (.../data-transfer/reference/rest/v1/transfers): insert and list
 *   (filters oldOwnerUserId, newOwnerUserId, status; no `dataTransfers` key on an empty page), with
 *   the documented application ids (data-transfer/v1/parameters).
 * - Errors in Google's shape, `{"error": {"code", "message", "errors": [{"message", "domain",
 *   "reason"}], "status"}}`, and the Directory API's limits page for throttling: 403
 *   userRateLimitExceeded, 403 quotaExceeded, 429 rateLimitExceeded (see `throttle`).
 *
 * Every listing pages at `pageSize`, whatever maxResults asks for, so paging is always exercised.
 */
export class FakeGoogleDirectoryApi extends FakeServer {
  public static readonly DIRECTORY_PATH = '/admin/directory/v1';
  public static readonly DATA_TRANSFER_PATH = '/admin/datatransfer/v1';
  public readonly customerId = 'C03az79cb';
  public readonly users = new Map<string, FakeGoogleUser>();
  public readonly groups = new Map<string, FakeGoogleGroup>();
  public readonly transfers: FakeDataTransfer[] = [];
  /** Data Transfer applications: the documented Calendar, Currents, and Drive and Docs. */
  public readonly applicationIds = new Set(['435070579839', '553547912911', '55656082996']);
  /** Simulates a vendor that echoes input in errors: users.insert fails with the password in the message. */
  public echoPasswordInInsertErrors = false;
  private nextId = 1;

  public constructor(public readonly pageSize = 100) {
    super();
    const dir = FakeGoogleDirectoryApi.DIRECTORY_PATH;
    const transfer = FakeGoogleDirectoryApi.DATA_TRANSFER_PATH;
    this.route('GET', `${dir}/users`, (r) => this.listUsers(r));
    this.route('POST', `${dir}/users`, (r) => this.insertUser(r));
    this.route('GET', `${dir}/users/:userKey`, (r) => this.withUser(r, (user) => ok(user.resource())));
    this.route('PUT', `${dir}/users/:userKey`, (r) => this.withUser(r, (user) => this.updateUser(user, r)));
    this.route('PATCH', `${dir}/users/:userKey`, (r) => this.withUser(r, (user) => this.updateUser(user, r)));
    this.route('DELETE', `${dir}/users/:userKey`, (r) => this.withUser(r, (user) => this.deleteUser(user)));
    this.route('POST', `${dir}/users/:userKey/signOut`, (r) => this.withUser(r, (user) => this.signOut(user)));
    this.route('POST', `${dir}/groups/:groupKey/members`, (r) => this.withGroup(r, (group) => this.insertMember(group, r)));
    this.route('DELETE', `${dir}/groups/:groupKey/members/:memberKey`, (r) => this.withGroup(r, (group) => this.deleteMember(group, r)));
    this.route('POST', `${transfer}/transfers`, (r) => this.insertTransfer(r));
    this.route('GET', `${transfer}/transfers`, (r) => this.listTransfers(r));
  }

  public get directoryBaseUrl(): string {
    return `${this.url}${FakeGoogleDirectoryApi.DIRECTORY_PATH}`;
  }

  public get dataTransferBaseUrl(): string {
    return `${this.url}${FakeGoogleDirectoryApi.DATA_TRANSFER_PATH}`;
  }

  /** Creates a group and returns it; entitlements are "group:<email>". */
  public addGroup(email: string): FakeGoogleGroup {
    const group: FakeGoogleGroup = { id: this.newId('0'), email: email.toLowerCase(), members: new Map() };
    this.groups.set(group.id, group);
    return group;
  }

  /** Emails of a group's members, for assertions. */
  public membersOf(groupEmail: string): string[] {
    const group = this.findGroup(groupEmail);
    return group ? [...group.members.values()].map((member) => member.email) : [];
  }

  public userByEmail(email: string): FakeGoogleUser | undefined {
    return [...this.users.values()].find((user) => user.primaryEmail === email.toLowerCase());
  }

  /**
   * The next `times` requests meet a documented throttling answer: 403 userRateLimitExceeded or
   * quotaExceeded, or rateLimitExceeded (429 by default, 403 as other Google APIs send it). Google
   * sends no Retry-After with these unless told to here.
   */
  public throttle(
    reason: 'rateLimitExceeded' | 'userRateLimitExceeded' | 'quotaExceeded',
    options: { readonly status?: 403 | 429; readonly times?: number; readonly retryAfterSeconds?: number } = {},
  ): void {
    const status = options.status ?? (reason === 'rateLimitExceeded' ? 429 : 403);
    const message = { rateLimitExceeded: 'Rate Limit Exceeded', userRateLimitExceeded: 'User Rate Limit Exceeded', quotaExceeded: 'Quota exceeded' }[reason];
    this.injectFault(
      {
        kind: 'status',
        status,
        body: googleError(status, message, reason, 'usageLimits'),
        ...(options.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(options.retryAfterSeconds) } }),
      },
      options.times ?? 1,
    );
  }

  /** Google's 401 for a missing or rejected token. */
  protected override unauthorized(): FakeResponse {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      body: {
        error: {
          code: 401,
          message:
            'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          errors: [{ message: 'Invalid Credentials', domain: 'global', reason: 'authError', location: 'Authorization', locationType: 'header' }],
          status: 'UNAUTHENTICATED',
        },
      },
    };
  }

  private listUsers(request: FakeRequest): FakeResponse {
    const customer = request.query.get('customer');
    const domain = request.query.get('domain');
    if (!customer && !domain) return failure(400, 'Bad Request', 'badRequest');
    if (customer && customer !== 'my_customer' && customer !== this.customerId) return failure(400, 'Bad Request', 'badRequest');
    const maxResults = Number(request.query.get('maxResults') ?? '100');
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 500) {
      return failure(400, `Invalid value '${request.query.get('maxResults')}'. Values must be within the range: [1, 500]`, 'invalid');
    }
    const all = [...this.users.values()].filter((user) => !domain || user.primaryEmail.endsWith(`@${domain.toLowerCase()}`));
    const page = this.page(all, request.query.get('pageToken'), Math.min(maxResults, this.pageSize));
    if (!page) return failure(400, 'Invalid page token', 'invalid');
    return ok({
      kind: 'admin#directory#users',
      etag: `"${randomUUID()}"`,
      ...(page.items.length ? { users: page.items.map((user) => user.resource()) } : {}),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    });
  }

  private insertUser(request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const name = (body.name ?? {}) as Record<string, unknown>;
    const primaryEmail = typeof body.primaryEmail === 'string' ? body.primaryEmail.toLowerCase() : '';
    if (!/^[^@\s]+@[^@\s]+$/.test(primaryEmail)) return failure(400, 'Invalid Input: primary_user_email', 'invalid');
    if (!nonEmpty(name.givenName, 60)) return failure(400, 'Invalid Given/Family Name: GivenName', 'invalid');
    if (!nonEmpty(name.familyName, 60)) return failure(400, 'Invalid Given/Family Name: FamilyName', 'invalid');
    const password = body.password;
    if (this.echoPasswordInInsertErrors) return failure(400, `Invalid Password: ${String(password)}`, 'invalid');
    if (typeof password !== 'string' || password.length < 8 || password.length > 100 || !/^[\x20-\x7e]+$/.test(password)) {
      return failure(400, 'Invalid Password', 'invalid');
    }
    if (this.userByEmail(primaryEmail)) return failure(409, 'Entity already exists.', 'duplicate');
    const user = new FakeGoogleUser(this.newId('1'), primaryEmail, this.customerId);
    user.givenName = name.givenName as string;
    user.familyName = name.familyName as string;
    user.suspended = body.suspended === true;
    if (Array.isArray(body.organizations)) user.organizations = body.organizations as Record<string, unknown>[];
    this.users.set(user.id, user);
    // The password is write-only: never kept, never echoed.
    return ok(user.resource());
  }

  private updateUser(user: FakeGoogleUser, request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body.name !== undefined) {
      const name = body.name as Record<string, unknown>;
      if (name.givenName !== undefined) user.givenName = String(name.givenName);
      if (name.familyName !== undefined) user.familyName = String(name.familyName);
    }
    if (typeof body.suspended === 'boolean') user.suspended = body.suspended;
    if (typeof body.archived === 'boolean') user.archived = body.archived;
    if (Array.isArray(body.organizations)) user.organizations = body.organizations as Record<string, unknown>[];
    if (body.organizations === null) user.organizations = undefined;
    user.etag = `"${randomUUID()}"`;
    return ok(user.resource());
  }

  private deleteUser(user: FakeGoogleUser): FakeResponse {
    this.users.delete(user.id);
    for (const group of this.groups.values()) group.members.delete(user.primaryEmail);
    return { status: 204 };
  }

  private signOut(user: FakeGoogleUser): FakeResponse {
    user.signOuts++;
    return { status: 204 };
  }

  private insertMember(group: FakeGoogleGroup, request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.email !== 'string' || body.email === '') return failure(400, 'Missing required field: memberKey', 'required');
    const email = body.email.toLowerCase();
    const role = body.role ?? 'MEMBER';
    if (role !== 'MEMBER' && role !== 'MANAGER' && role !== 'OWNER') return failure(400, 'Invalid Input: role', 'invalid');
    if (group.members.has(email)) return failure(409, 'Member already exists.', 'duplicate');
    const user = this.userByEmail(email);
    const member = { id: user?.id ?? this.newId('2'), email, role: role as string };
    group.members.set(email, member);
    return ok({ kind: 'admin#directory#member', etag: `"${randomUUID()}"`, ...member, type: 'USER', status: 'ACTIVE' });
  }

  private deleteMember(group: FakeGoogleGroup, request: FakeRequest): FakeResponse {
    const key = (request.params.memberKey ?? '').toLowerCase();
    const member = [...group.members.values()].find((m) => m.email === key || m.id === key);
    if (!member) return failure(404, 'Resource Not Found: memberKey', 'notFound');
    group.members.delete(member.email);
    return { status: 204 };
  }

  private insertTransfer(request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const oldOwnerUserId = String(body.oldOwnerUserId ?? '');
    const newOwnerUserId = String(body.newOwnerUserId ?? '');
    // The API takes profile ids (users.get gives them), not emails.
    if (!this.users.has(oldOwnerUserId) || !this.users.has(newOwnerUserId)) return failure(400, 'Invalid Input: user id', 'invalid');
    const applications = Array.isArray(body.applicationDataTransfers) ? (body.applicationDataTransfers as Record<string, unknown>[]) : [];
    if (applications.length === 0) return failure(400, 'Invalid Input: applicationDataTransfers', 'invalid');
    if (applications.some((app) => !this.applicationIds.has(String(app.applicationId)))) {
      return failure(400, 'Invalid Input: applicationId', 'invalid');
    }
    const transfer: FakeDataTransfer = {
      kind: 'admin#datatransfer#DataTransfer',
      etag: `"${randomUUID()}"`,
      id: randomUUID().replaceAll('-', '').slice(0, 24),
      oldOwnerUserId,
      newOwnerUserId,
      applicationDataTransfers: applications.map((app) => ({
        applicationId: String(app.applicationId),
        applicationTransferParams: (app.applicationTransferParams ?? []) as { key: string; value: string[] }[],
        applicationTransferStatus: 'pending',
      })),
      overallTransferStatusCode: 'inProgress',
      requestTime: new Date().toISOString(),
    };
    this.transfers.push(transfer);
    return ok(transfer);
  }

  private listTransfers(request: FakeRequest): FakeResponse {
    const filters = (['oldOwnerUserId', 'newOwnerUserId'] as const).flatMap((key) => {
      const value = request.query.get(key);
      return value ? [(t: FakeDataTransfer) => t[key] === value] : [];
    });
    const status = request.query.get('status');
    if (status) filters.push((t) => t.overallTransferStatusCode === status);
    const matching = this.transfers.filter((t) => filters.every((keep) => keep(t)));
    const maxResults = Number(request.query.get('maxResults') ?? '100');
    const page = this.page(matching, request.query.get('pageToken'), Math.min(maxResults, this.pageSize));
    if (!page) return failure(400, 'Invalid page token', 'invalid');
    return ok({
      kind: 'admin#datatransfer#dataTransfersList',
      etag: `"${randomUUID()}"`,
      ...(page.items.length ? { dataTransfers: page.items } : {}),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    });
  }

  private withUser(request: FakeRequest, handle: (user: FakeGoogleUser) => FakeResponse): FakeResponse {
    const key = (request.params.userKey ?? '').toLowerCase();
    const user = this.users.get(key) ?? this.userByEmail(key);
    return user ? handle(user) : failure(404, 'Resource Not Found: userKey', 'notFound');
  }

  private withGroup(request: FakeRequest, handle: (group: FakeGoogleGroup) => FakeResponse): FakeResponse {
    const group = this.findGroup(request.params.groupKey ?? '');
    return group ? handle(group) : failure(404, 'Resource Not Found: groupKey', 'notFound');
  }

  private findGroup(key: string): FakeGoogleGroup | undefined {
    return this.groups.get(key) ?? [...this.groups.values()].find((group) => group.email === key.toLowerCase());
  }

  /** Offset pagination behind an opaque token, as Google's tokens are opaque. */
  private page<T>(items: readonly T[], token: string | null, size: number): { items: T[]; nextPageToken?: string } | undefined {
    let offset = 0;
    if (token) {
      const decoded = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!decoded) return undefined;
      offset = Number(decoded[1]);
    }
    const end = offset + size;
    return { items: items.slice(offset, end), ...(end < items.length ? { nextPageToken: Buffer.from(`o${end}`).toString('base64url') } : {}) };
  }

  /** Google's user ids are 21-digit decimal strings. */
  private newId(prefix: string): string {
    return `${prefix}${String(this.nextId++).padStart(20, '0')}`;
  }
}

export interface FakeGoogleGroup {
  readonly id: string;
  readonly email: string;
  /** By member email. */
  readonly members: Map<string, { readonly id: string; readonly email: string; readonly role: string }>;
}

export interface FakeDataTransfer {
  readonly kind: string;
  readonly etag: string;
  readonly id: string;
  readonly oldOwnerUserId: string;
  readonly newOwnerUserId: string;
  readonly applicationDataTransfers: readonly {
    readonly applicationId: string;
    readonly applicationTransferParams: readonly { key: string; value: string[] }[];
    applicationTransferStatus: string;
  }[];
  overallTransferStatusCode: string;
  readonly requestTime: string;
}

/** A stored user; `resource()` is what the API answers (the password is never part of it). */
export class FakeGoogleUser {
  public givenName = '';
  public familyName = '';
  public suspended = false;
  public archived = false;
  public organizations: Record<string, unknown>[] | undefined;
  public etag = `"${randomUUID()}"`;
  public signOuts = 0;
  public readonly creationTime = new Date().toISOString();

  public constructor(
    public readonly id: string,
    public readonly primaryEmail: string,
    private readonly customerId: string,
  ) {}

  public resource(): Record<string, unknown> {
    return {
      kind: 'admin#directory#user',
      id: this.id,
      etag: this.etag,
      primaryEmail: this.primaryEmail,
      name: { givenName: this.givenName, familyName: this.familyName, fullName: `${this.givenName} ${this.familyName}` },
      isAdmin: false,
      isDelegatedAdmin: false,
      lastLoginTime: '1970-01-01T00:00:00.000Z',
      creationTime: this.creationTime,
      agreedToTerms: false,
      suspended: this.suspended,
      archived: this.archived,
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: this.primaryEmail, primary: true }],
      ...(this.organizations ? { organizations: this.organizations } : {}),
      customerId: this.customerId,
      orgUnitPath: '/',
      isMailboxSetup: true,
      isEnrolledIn2Sv: false,
      isEnforcedIn2Sv: false,
      includeInGlobalAddressList: true,
    };
  }
}

const GRPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
};

function googleError(code: number, message: string, reason: string, domain = 'global'): unknown {
  return { error: { code, message, errors: [{ message, domain, reason }], ...(GRPC_STATUS[code] ? { status: GRPC_STATUS[code] } : {}) } };
}

function failure(status: number, message: string, reason: string): FakeResponse {
  return { status, body: googleError(status, message, reason) };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

function nonEmpty(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max;
}
