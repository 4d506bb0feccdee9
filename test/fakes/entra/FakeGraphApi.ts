import { randomBytes, randomUUID } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from '../FakeServer.js';

/** Graph's default user properties: what GET /users returns without $select ("List users"). */
const DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** Properties this fake knows, readable with $select. */
const PROPERTIES = new Set<string>([...DEFAULT_PROPERTIES, 'accountEnabled', 'department', 'employeeId', 'companyName', 'mailNickname', 'usageLocation']);

/** Properties POST and PATCH accept; anything else is not a declared property. */
const WRITABLE = new Set<string>([
  'accountEnabled',
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'employeeId',
  'companyName',
  'mailNickname',
  'userPrincipalName',
  'passwordProfile',
  'mobilePhone',
  'officeLocation',
  'usageLocation',
  'preferredLanguage',
  'businessPhones',
]);

/** mailNickname "can't contain these characters: @ () \ [] " ; : <> , SPACE" (user resource type). */
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:<>,\s]/;

/**
 * A fake of Microsoft Graph v1.0 for users and group membership, built from learn.microsoft.com:
 *
 * - "Create user" (POST /users: accountEnabled, displayName, mailNickname, userPrincipalName and
 *   passwordProfile required; 201 with the default properties), "Get user", "Update user" (PATCH,
 *   204), "Delete user" (204), "List users" ($select, $filter with eq, $top 1–999,
 *   @odata.nextLink with an opaque $skiptoken, only the default properties without $select) and
 *   "user: revokeSignInSessions" (200, `{"value": true}`).
 * - "Add members" (POST /groups/{id}/members/$ref with `{"@odata.id": ".../directoryObjects/{id}"}`,
 *   204; 400 "One or more added object references already exist ..." for a member already there;
 *   404 for an object that does not exist) and "Remove member" (DELETE
 *   /groups/{id}/members/{id}/$ref, 204; 404 when not a member).
 * - "Microsoft Graph error responses" for the body, `{"error": {"code", "message", "innerError":
 *   {"date", "request-id", "client-request-id"}}}`, and "Microsoft Graph throttling guidance" for
 *   429 (and 503) with Retry-After (see `throttle`).
 * - The password complexity rule of Entra ID (8–256 characters, three of four classes) and the
 *   verified-domain rule for userPrincipalName, which is unique compared case-insensitively (by
 *   full Unicode lowercasing here, so a KELVIN SIGN look-alike collides as in a folding directory):
 *   a duplicate is 400 Request_BadRequest "Another object with the same value ..." with
 *   `details: [{code: "ObjectConflict", target: "userPrincipalName"}]`, and `$filter` eq matches
 *   the same way.
 * - Applications' client secrets: "application: addPassword" (POST /applications/{id}/addPassword
 *   with an optional `{"passwordCredential": {displayName, startDateTime, endDateTime}}`; 200 with
 *   the new passwordCredential, its `secretText` shown only then; endDateTime defaults to start + 2
 *   years), "application: removePassword" (POST /applications/{id}/removePassword with `{"keyId"}`,
 *   204) and "Get application" ($select=passwordCredentials; secretText is never returned, only a
 *   hint). The docs give no error for an unknown keyId: this fake answers 400 Request_BadRequest.
 *   `acceptsClientSecret` lets a fake token endpoint accept the passwords (see FakeOAuthServer).
 *
 * Listings page at `pageSize` whatever $top asks for, so paging is always exercised.
 */
export class FakeGraphApi extends FakeServer {
  public static readonly BASE_PATH = '/v1.0';
  public readonly users = new Map<string, FakeGraphUser>();
  public readonly groups = new Map<string, { readonly id: string; readonly displayName: string; readonly members: Set<string> }>();
  /** Simulates a vendor that echoes input in errors: POST /users fails with the password in the message. */
  public echoPasswordInCreateErrors = false;
  public readonly applications = new Map<string, FakeGraphApplication>();
  /**
   * A new password is refused by `acceptsClientSecret` this many times before it works: Entra's
   * propagation delay after addPassword.
   */
  public passwordPropagationChecks = 0;

  public constructor(
    public readonly pageSize = 100,
    public readonly verifiedDomains: readonly string[] = ['example.com'],
  ) {
    super();
    const v = '/v1\\.0';
    this.route('GET', `${v}/users`, (r) => this.listUsers(r));
    this.route('POST', `${v}/users`, (r) => this.createUser(r));
    this.route('GET', `${v}/users/:id`, (r) => this.withUser(r, (user) => this.getUser(user, r)));
    this.route('PATCH', `${v}/users/:id`, (r) => this.withUser(r, (user) => this.updateUser(user, r)));
    this.route('DELETE', `${v}/users/:id`, (r) => this.withUser(r, (user) => this.deleteUser(user)));
    this.route('POST', `${v}/users/:id/revokeSignInSessions`, (r) => this.withUser(r, (user) => this.revokeSessions(user)));
    this.route('POST', `${v}/groups/:groupId/members/\\$ref`, (r) => this.addMember(r));
    this.route('DELETE', `${v}/groups/:groupId/members/:memberId/\\$ref`, (r) => this.removeMember(r));
    this.route('GET', `${v}/applications/:id`, (r) => this.withApplication(r, (app) => this.getApplication(app, r)));
    this.route('POST', `${v}/applications/:id/addPassword`, (r) => this.withApplication(r, (app) => this.addPassword(app, r)));
    this.route('POST', `${v}/applications/:id/removePassword`, (r) => this.withApplication(r, (app) => this.removePassword(app, r)));
  }

  public get graphBaseUrl(): string {
    return `${this.url}${FakeGraphApi.BASE_PATH}`;
  }

  public addGroup(displayName: string): string {
    const id = randomUUID();
    this.groups.set(id, { id, displayName, members: new Set() });
    return id;
  }

  public userByUpn(userPrincipalName: string): FakeGraphUser | undefined {
    return [...this.users.values()].find((user) => user.userPrincipalName.toLowerCase() === userPrincipalName.toLowerCase());
  }

  /** An app registration: its object id (`id`) and application (client) id (`appId`). */
  public addApplication(displayName = 'Perimeter connector'): FakeGraphApplication {
    const app: FakeGraphApplication = { id: randomUUID(), appId: randomUUID(), displayName, passwords: [] };
    this.applications.set(app.id, app);
    return app;
  }

  /** Adds an already-propagated password (for seeding a test's first secret). */
  public addApplicationPassword(applicationId: string, options: { displayName?: string; endDateTime?: string } = {}): FakeGraphPassword {
    const app = this.applications.get(applicationId);
    if (!app) throw new Error(`no application ${applicationId}`);
    const start = new Date();
    const password: FakeGraphPassword = {
      keyId: randomUUID(),
      secretText: newSecretText(),
      displayName: options.displayName ?? null,
      startDateTime: start.toISOString(),
      endDateTime: options.endDateTime ?? new Date(start.getTime() + 2 * 365 * 86_400_000).toISOString(),
      // A seeded secret is an old one: long propagated.
      uncheckedPropagations: 0,
    };
    app.passwords.push(password);
    return password;
  }

  /** The keyIds of the application's passwords, oldest first. */
  public passwordKeyIds(applicationId: string): string[] {
    return (this.applications.get(applicationId)?.passwords ?? []).map((password) => password.keyId);
  }

  /**
   * Whether a token endpoint should accept this client secret for the application with this appId:
   * one of its passwords, inside its validity window, once propagated.
   */
  public acceptsClientSecret(appId: string, secret: string, now: number = Date.now()): boolean {
    const app = [...this.applications.values()].find((candidate) => candidate.appId === appId);
    const password = app?.passwords.find((candidate) => candidate.secretText === secret);
    if (!password || now < Date.parse(password.startDateTime) || now >= Date.parse(password.endDateTime)) return false;
    if (password.uncheckedPropagations > 0) {
      password.uncheckedPropagations--;
      return false;
    }
    return true;
  }

  /**
   * The next `times` requests are throttled the documented way: 429 TooManyRequests with
   * Retry-After, or 503 serviceNotAvailable, which Graph also sends with Retry-After under load.
   */
  public throttle(options: { readonly status?: 429 | 503; readonly retryAfterSeconds?: number; readonly times?: number } = {}): void {
    const status = options.status ?? 429;
    const body =
      status === 429
        ? graphError('TooManyRequests', 'Please retry again later.', { code: '429', message: 'Please retry after', status: '429' })
        : graphError('serviceNotAvailable', 'The service is not available. Try the request again after a delay.');
    this.injectFault(
      { kind: 'status', status, body, ...(options.retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(options.retryAfterSeconds) } }) },
      options.times ?? 1,
    );
  }

  protected override unauthorized(): FakeResponse {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' },
      body: graphError('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.'),
    };
  }

  private listUsers(request: FakeRequest): FakeResponse {
    const select = parseSelect(request.query.get('$select'));
    if (typeof select === 'string') return badRequest(select);
    const top = Number(request.query.get('$top') ?? '100');
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      return badRequest(`Invalid page size specified: '${request.query.get('$top')}'. Must be between 1 and 999 inclusive.`);
    }
    const filterText = request.query.get('$filter');
    const filter = filterText === null ? () => true : parseFilter(filterText);
    if (!filter) return { status: 400, body: graphError('Request_UnsupportedQuery', 'Unsupported Query.') };
    const all = [...this.users.values()].filter(filter);
    let offset = 0;
    const skipToken = request.query.get('$skiptoken');
    if (skipToken !== null) {
      const decoded = /^X(\d+)$/.exec(Buffer.from(skipToken, 'base64url').toString('utf8'));
      if (!decoded) return badRequest('Invalid skip token.');
      offset = Number(decoded[1]);
    }
    const end = offset + Math.min(top, this.pageSize);
    const next = new URLSearchParams();
    for (const key of ['$select', '$filter', '$top'] as const) {
      const value = request.query.get(key);
      if (value !== null) next.set(key, value);
    }
    next.set('$skiptoken', Buffer.from(`X${end}`).toString('base64url'));
    return ok({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}`,
      ...(end < all.length ? { '@odata.nextLink': `${this.graphBaseUrl}/users?${next}` } : {}),
      value: all.slice(offset, end).map((user) => user.resource(select)),
    });
  }

  private getUser(user: FakeGraphUser, request: FakeRequest): FakeResponse {
    const select = parseSelect(request.query.get('$select'));
    if (typeof select === 'string') return badRequest(select);
    return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...user.resource(select) });
  }

  private createUser(request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).find((key) => !WRITABLE.has(key));
    if (unknown) return badRequest(`Property '${unknown}' does not exist as a declared property or extension property.`);
    for (const required of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
      if (body[required] === undefined || body[required] === null || body[required] === '') return invalidValue(required);
    }
    if (typeof body.accountEnabled !== 'boolean') return invalidValue('accountEnabled');
    const mailNickname = String(body.mailNickname);
    if (mailNickname.length > 64 || MAIL_NICKNAME_FORBIDDEN.test(mailNickname)) return invalidValue('mailNickname');
    const userPrincipalName = String(body.userPrincipalName);
    const domain = /^[^@\s]+@([^@\s]+)$/.exec(userPrincipalName)?.[1]?.toLowerCase();
    if (!domain) return invalidValue('userPrincipalName');
    if (!this.verifiedDomains.includes(domain)) {
      return badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
    }
    const password = (body.passwordProfile as { password?: unknown }).password;
    if (this.echoPasswordInCreateErrors) return badRequest(`Invalid password: ${String(password)}`);
    if (typeof password !== 'string' || !compliesWithComplexity(password)) {
      return badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
    }
    if (this.userByUpn(userPrincipalName)) return objectConflict('userPrincipalName');
    const user = new FakeGraphUser(randomUUID());
    user.assign(body);
    this.users.set(user.id, user);
    return {
      status: 201,
      headers: { location: `${this.graphBaseUrl}/directoryObjects/${user.id}/Microsoft.DirectoryServices.User` },
      body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...user.resource(undefined) },
    };
  }

  private updateUser(user: FakeGraphUser, request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(body).find((key) => !WRITABLE.has(key));
    if (unknown) return badRequest(`Property '${unknown}' does not exist as a declared property or extension property.`);
    if ('displayName' in body && !body.displayName) return invalidValue('displayName');
    if (typeof body.userPrincipalName === 'string') {
      const other = this.userByUpn(body.userPrincipalName);
      if (other && other !== user) return objectConflict('userPrincipalName');
    }
    user.assign(body);
    return { status: 204 };
  }

  private deleteUser(user: FakeGraphUser): FakeResponse {
    this.users.delete(user.id);
    for (const group of this.groups.values()) group.members.delete(user.id);
    return { status: 204 };
  }

  private revokeSessions(user: FakeGraphUser): FakeResponse {
    user.sessionRevocations++;
    return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true });
  }

  private addMember(request: FakeRequest): FakeResponse {
    const group = this.groups.get(request.params.groupId ?? '');
    if (!group) return notFound(request.params.groupId ?? '');
    const reference = (request.body as Record<string, unknown> | undefined)?.['@odata.id'];
    const id = typeof reference === 'string' ? /^https?:\/\/[^/]+\/v1\.0\/directoryObjects\/([^/]+)$/.exec(reference)?.[1] : undefined;
    if (!id) return badRequest("Invalid URL format specified in @odata.id for 'members'.");
    if (!this.users.has(id)) return notFound(id);
    if (group.members.has(id)) return badRequest("One or more added object references already exist for the following modified properties: 'members'.");
    group.members.add(id);
    return { status: 204 };
  }

  private removeMember(request: FakeRequest): FakeResponse {
    const group = this.groups.get(request.params.groupId ?? '');
    if (!group) return notFound(request.params.groupId ?? '');
    const memberId = request.params.memberId ?? '';
    if (!group.members.delete(memberId)) return notFound(memberId);
    return { status: 204 };
  }

  private getApplication(app: FakeGraphApplication, request: FakeRequest): FakeResponse {
    const resource: Record<string, unknown> = {
      id: app.id,
      appId: app.appId,
      displayName: app.displayName,
      passwordCredentials: app.passwords.map((password) => passwordResource(password, false)),
    };
    const select = request.query.get('$select');
    const keys = select === null ? Object.keys(resource) : select.split(',').map((key) => key.trim());
    const unknown = keys.find((key) => !(key in resource));
    if (unknown !== undefined) return badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${unknown}' on type 'microsoft.graph.application'.`);
    return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#applications/$entity', ...Object.fromEntries(keys.map((key) => [key, resource[key]])) });
  }

  private addPassword(app: FakeGraphApplication, request: FakeRequest): FakeResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const unknownTop = Object.keys(body).find((key) => key !== 'passwordCredential');
    if (unknownTop) return badRequest(`Property '${unknownTop}' does not exist as a declared property or extension property.`);
    const input = (body.passwordCredential ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(input).find((key) => !['displayName', 'startDateTime', 'endDateTime'].includes(key));
    if (unknown) return badRequest(`Property '${unknown}' does not exist as a declared property or extension property.`);
    const start = input.startDateTime === undefined ? Date.now() : Date.parse(String(input.startDateTime));
    const end = input.endDateTime === undefined ? start + 2 * 365 * 86_400_000 : Date.parse(String(input.endDateTime));
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return badRequest('Invalid value specified for property \'endDateTime\' of resource \'PasswordCredential\'.');
    if (input.displayName !== undefined && typeof input.displayName !== 'string') return badRequest("Invalid value specified for property 'displayName' of resource 'PasswordCredential'.");
    const password: FakeGraphPassword = {
      keyId: randomUUID(),
      secretText: newSecretText(),
      displayName: (input.displayName as string | undefined) ?? null,
      startDateTime: new Date(start).toISOString(),
      endDateTime: new Date(end).toISOString(),
      uncheckedPropagations: this.passwordPropagationChecks,
    };
    app.passwords.push(password);
    return ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential', ...passwordResource(password, true) });
  }

  private removePassword(app: FakeGraphApplication, request: FakeRequest): FakeResponse {
    const keyId = (request.body as { keyId?: unknown } | undefined)?.keyId;
    if (typeof keyId !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(keyId)) {
      return badRequest("Invalid value specified for property 'keyId'.");
    }
    const index = app.passwords.findIndex((password) => password.keyId.toLowerCase() === keyId.toLowerCase());
    if (index < 0) return badRequest(`No password credential found with keyId '${keyId}'.`);
    app.passwords.splice(index, 1);
    return { status: 204 };
  }

  private withApplication(request: FakeRequest, handle: (app: FakeGraphApplication) => FakeResponse): FakeResponse {
    const key = request.params.id ?? '';
    const app = this.applications.get(key);
    return app ? handle(app) : notFound(key);
  }

  private withUser(request: FakeRequest, handle: (user: FakeGraphUser) => FakeResponse): FakeResponse {
    const key = request.params.id ?? '';
    const user = this.users.get(key) ?? this.userByUpn(key);
    return user ? handle(user) : notFound(key);
  }
}

/** A stored user; the password is checked on create and never kept. */
export class FakeGraphUser {
  public readonly properties: Record<string, unknown> = { businessPhones: [], accountEnabled: false };
  public sessionRevocations = 0;

  public constructor(public readonly id: string) {}

  public get userPrincipalName(): string {
    return String(this.properties.userPrincipalName);
  }

  public get accountEnabled(): boolean {
    return this.properties.accountEnabled === true;
  }

  public assign(body: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(body)) if (key !== 'passwordProfile') this.properties[key] = value;
  }

  /** The user as Graph returns it: $select's properties, or the default set; unset ones are null. */
  public resource(select: readonly string[] | undefined): Record<string, unknown> {
    const keys = select ?? DEFAULT_PROPERTIES;
    return Object.fromEntries([...keys, 'id'].map((key) => [key, key === 'id' ? this.id : (this.properties[key] ?? null)]));
  }
}

/** An app registration and its client secrets (passwordCredentials). */
export interface FakeGraphApplication {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  readonly passwords: FakeGraphPassword[];
}

export interface FakeGraphPassword {
  readonly keyId: string;
  readonly secretText: string;
  readonly displayName: string | null;
  readonly startDateTime: string;
  readonly endDateTime: string;
  /** Checks left before the token endpoint accepts it (propagation). */
  uncheckedPropagations: number;
}

/** A passwordCredential as Graph returns it: secretText only from addPassword, else a hint. */
function passwordResource(password: FakeGraphPassword, withSecret: boolean): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: password.displayName,
    endDateTime: password.endDateTime,
    hint: password.secretText.slice(0, 3),
    keyId: password.keyId,
    secretText: withSecret ? password.secretText : null,
    startDateTime: password.startDateTime,
  };
}

/** 40 characters, within the documented 16–64, shaped like Entra's ("xxx8Q~..."). */
function newSecretText(): string {
  return `${randomBytes(3).toString('base64url')}8Q~${randomBytes(27).toString('base64url')}`.slice(0, 40);
}

/** The property list of $select, undefined when absent, or an error message. */
function parseSelect(value: string | null): string[] | undefined | string {
  if (value === null) return undefined;
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !PROPERTIES.has(name));
  if (unknown !== undefined) return `Parsing OData Select and Expand failed: Could not find a property named '${unknown}' on type 'microsoft.graph.user'.`;
  return names;
}

/**
 * The $filter forms a directory sync uses: `<property> eq '<value>'` on userPrincipalName, mail or
 * id, with OData's doubled single quote for a quote in the value. String comparison is
 * case-insensitive, as Entra's is for these properties. Anything else is unsupported.
 */
function parseFilter(filter: string): ((user: FakeGraphUser) => boolean) | undefined {
  const match = /^\s*(userPrincipalName|mail|id)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
  if (!match) return undefined;
  const property = match[1] as string;
  const value = (match[2] as string).replaceAll("''", "'").toLowerCase();
  return (user) => String(property === 'id' ? user.id : (user.properties[property] ?? '')).toLowerCase() === value;
}

/** Entra ID: 8–256 characters and three of uppercase, lowercase, digits, symbols. */
function compliesWithComplexity(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/].filter((pattern) => pattern.test(password)).length;
  return classes >= 3;
}

function graphError(code: string, message: string, extra: Record<string, unknown> = {}): unknown {
  const requestId = randomUUID();
  return { error: { code, message, innerError: { ...extra, date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } };
}

function badRequest(message: string): FakeResponse {
  return { status: 400, body: graphError('Request_BadRequest', message) };
}

/**
 * A uniqueness conflict as Graph answers it: 400 Request_BadRequest with `details` naming the
 * property and the code ObjectConflict (microsoft-graph-docs issue 1508 shows the body).
 */
function objectConflict(property: string): FakeResponse {
  const message = `Another object with the same value for property ${property} already exists.`;
  const body = graphError('Request_BadRequest', message) as { error: Record<string, unknown> };
  return { status: 400, body: { error: { ...body.error, details: [{ code: 'ObjectConflict', message, target: property }] } } };
}

function invalidValue(property: string): FakeResponse {
  return badRequest(`Invalid value specified for property '${property}' of resource 'User'.`);
}

function notFound(id: string): FakeResponse {
  return { status: 404, body: graphError('Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`) };
}

function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}
