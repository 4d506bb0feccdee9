import { randomUUID } from 'node:crypto';
import { type FakeRequest, type FakeResponse, FakeServer } from '../FakeServer.js';

const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

/** Attributes the app computes; a client may not write them (RFC 7643 §3.1, §4.1.2). */
const READ_ONLY = new Set(['id', 'meta', 'groups', 'schemas']);

type Json = Record<string, unknown>;

/** A request the fake turns down; a class so it cannot be mistaken for a JSON body. */
class Refusal {
  public constructor(public readonly response: FakeResponse) {}
}

interface StoredGroup {
  readonly id: string;
  displayName: string;
  members: string[];
}

export interface FakeScimApiOptions {
  /** The most resources one list page holds, whatever `count` asks for (RFC 7644 §3.4.2.4). */
  readonly pageSize?: number;
  /** Where the SCIM endpoints live on the server; "/scim/v2" by default. */
  readonly basePath?: string;
  /**
   * The app's directory folds identifiers before it compares them (uniqueness and `eq` filters),
   * as a database collation that is case- and accent-insensitive does: compatibility
   * decomposition (NFKD, so "ｋ" and the KELVIN SIGN are "k"), combining marks dropped ("é" is
   * "e"), surrounding whitespace trimmed, lowercased. Without it, values compare lowercased only.
   */
  readonly folding?: boolean;
}

/**
 * A SCIM 2.0 service provider (RFC 7643 / RFC 7644), the subset outbound connectors use:
 * - Users: POST (409 `uniqueness` on a taken userName, case-insensitive as userName's caseExact is
 *   false), GET by id, GET list with `filter` (`attr eq "value"` on userName, externalId, id,
 *   emails.value, displayName) and `startIndex`/`count` paging at most `pageSize` per page, PUT,
 *   PATCH (add/replace/remove on simple, `name.x` and enterprise-URN paths, or without a path;
 *   atomic, as §3.5.2 requires), DELETE (204, then 404).
 * - Groups: GET list and by id with `members`, PATCH of `members` (add; remove by
 *   `members[value eq "id"]`, by value list or all; replace) and `displayName`.
 * - Each user's read-only `groups` reflects its memberships.
 * - Errors are §3.12 bodies: `schemas`, `status` (a string), `scimType`, `detail`; 401 carries a
 *   `WWW-Authenticate` challenge (§2).
 * Vendor fakes extend it and override the protected hooks where the vendor differs.
 */
export class FakeScimApi extends FakeServer {
  public pageSize: number;
  public readonly basePath: string;
  public readonly folding: boolean;
  protected readonly users = new Map<string, Json>();
  protected readonly groups = new Map<string, StoredGroup>();
  private version = 0;

  public constructor(options: FakeScimApiOptions = {}) {
    super();
    this.pageSize = options.pageSize ?? 100;
    this.basePath = options.basePath ?? '/scim/v2';
    this.folding = options.folding ?? false;
    const base = this.basePath;
    this.route('GET', `${base}/Users`, (request) => this.admitted(request, () => this.listUsers(request)));
    this.route('POST', `${base}/Users`, (request) => this.admitted(request, () => this.createUser(request)));
    this.route('GET', `${base}/Users/:id`, (request) => this.admitted(request, () => this.getUser(request.params.id ?? '')));
    this.route('PUT', `${base}/Users/:id`, (request) => this.admitted(request, () => this.replaceUser(request)));
    this.route('PATCH', `${base}/Users/:id`, (request) => this.admitted(request, () => this.patchUser(request)));
    this.route('DELETE', `${base}/Users/:id`, (request) => this.admitted(request, () => this.deleteUser(request.params.id ?? '')));
    this.route('GET', `${base}/Groups`, (request) => this.admitted(request, () => this.listGroups()));
    this.route('GET', `${base}/Groups/:id`, (request) => this.admitted(request, () => this.getGroup(request.params.id ?? '')));
    this.route('PATCH', `${base}/Groups/:id`, (request) => this.admitted(request, () => this.patchGroup(request)));
  }

  /** The base URL a connector is configured with. */
  public get scimBaseUrl(): string {
    return `${this.url}${this.basePath}`;
  }

  /** Seeds a group (groups are the app's, created by its admins) and returns its id. */
  public addGroup(displayName: string): string {
    const id = this.newGroupId();
    this.groups.set(id, { id, displayName, members: [] });
    return id;
  }

  /** The user as the app would return it, for assertions; undefined when unknown. */
  public user(id: string): Json | undefined {
    const stored = this.users.get(id);
    return stored && this.represent(stored);
  }

  /** Sets attributes directly, as an admin in the app's console would. */
  public editUser(id: string, attributes: Json): void {
    const stored = this.users.get(id);
    if (!stored) throw new Error(`no user ${id}`);
    Object.assign(stored, attributes);
  }

  /** Every user the app holds, as it would return them (for counting in crash tests). */
  public allUsers(): Json[] {
    return [...this.users.values()].map((stored) => this.represent(stored));
  }

  public groupMembers(id: string): readonly string[] {
    return this.groups.get(id)?.members ?? [];
  }

  // ---- hooks for vendor fakes ------------------------------------------------------------------

  /** An error response; RFC 7644 §3.12 here, vendors answer their own way. */
  protected error(status: number, detail: string, scimType?: string): FakeResponse {
    return {
      status,
      headers: { 'content-type': 'application/scim+json' },
      body: { schemas: [URN.error], status: String(status), ...(scimType ? { scimType } : {}), detail },
    };
  }

  protected override unauthorized(): FakeResponse {
    const response = this.error(401, 'Authorization failure. The authorization header is invalid or missing.');
    return { ...response, headers: { ...response.headers, 'www-authenticate': 'Bearer realm="fake-scim"' } };
  }

  /** Lets a vendor fake throttle or refuse a request before it is handled. */
  protected admit(_request: FakeRequest): FakeResponse | undefined {
    return undefined;
  }

  protected newUserId(): string {
    return randomUUID();
  }

  protected newGroupId(): string {
    return randomUUID();
  }

  /** The userName the app stores for the one sent; some apps rewrite it. */
  protected storedUserName(userName: string): string {
    return userName;
  }

  /** What the app compares for a value that is not caseExact (see `folding`). */
  protected compareKey(value: string): string {
    if (!this.folding) return value.toLowerCase();
    return value.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase();
  }

  /** Why `candidate` cannot be stored next to the other users, or undefined if it can. */
  protected uniquenessViolation(candidate: Json, exceptId?: string): string | undefined {
    const userName = this.compareKey(String(candidate.userName));
    for (const [id, user] of this.users) {
      if (id !== exceptId && this.compareKey(String(user.userName)) === userName) return 'userName is already taken';
    }
    return undefined;
  }

  /** The values a filter attribute has on a user (compared case-insensitively unless caseExact). */
  protected filterValues(attribute: string, user: Json): { values: readonly string[]; caseExact: boolean } | undefined {
    switch (attribute.toLowerCase()) {
      case 'username':
        return { values: [String(user.userName)], caseExact: false };
      case 'id':
        return { values: [String(user.id)], caseExact: true };
      case 'externalid':
        return { values: typeof user.externalId === 'string' ? [user.externalId] : [], caseExact: true };
      case 'displayname':
        return { values: typeof user.displayName === 'string' ? [user.displayName] : [], caseExact: false };
      case 'emails.value':
      case 'emails':
        return { values: emailValues(user), caseExact: false };
      default:
        return undefined;
    }
  }

  /** DELETE: the user is gone, and out of every group. */
  protected deleteUser(id: string): FakeResponse {
    if (!this.users.delete(id)) return this.error(404, `Resource ${id} not found`);
    for (const group of this.groups.values()) group.members = group.members.filter((member) => member !== id);
    return { status: 204 };
  }

  /** Validates a User body for POST and PUT; an error response, or undefined when it is fine. */
  protected validateUser(body: Json): FakeResponse | undefined {
    if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.user)) {
      return this.error(400, `schemas must include ${URN.user}`, 'invalidSyntax');
    }
    if (typeof body.userName !== 'string' || body.userName.trim() === '') return this.error(400, 'userName is required', 'invalidValue');
    if (body.active !== undefined && typeof body.active !== 'boolean') return this.error(400, 'active must be a boolean', 'invalidValue');
    return undefined;
  }

  // ---- Users -----------------------------------------------------------------------------------

  private listUsers(request: FakeRequest): FakeResponse {
    let users = [...this.users.values()];
    const filter = request.query.get('filter');
    if (filter !== null) {
      const parsed = this.parseFilter(filter);
      if (parsed instanceof Refusal) return parsed.response;
      users = users.filter((user) => {
        const found = this.filterValues(parsed.attribute, user);
        if (!found) return false;
        return found.values.some((value) => (found.caseExact ? value === parsed.value : this.compareKey(value) === this.compareKey(parsed.value)));
      });
    }
    return this.page(users.map((user) => this.represent(user)), request);
  }

  private getUser(id: string): FakeResponse {
    const stored = this.users.get(id);
    if (!stored) return this.error(404, `Resource ${id} not found`);
    return { status: 200, body: this.represent(stored), headers: { 'content-type': 'application/scim+json' } };
  }

  private createUser(request: FakeRequest): FakeResponse {
    const body = this.jsonBody(request);
    if (body instanceof Refusal) return body.response;
    const invalid = this.validateUser(body);
    if (invalid) return invalid;
    const user = this.writable(body);
    user.userName = this.storedUserName(String(user.userName));
    if (user.active === undefined) user.active = true;
    const conflict = this.uniquenessViolation(user);
    if (conflict) return this.error(409, conflict, 'uniqueness');
    const id = this.newUserId();
    const stored: Json = { ...user, id, meta: { created: new Date().toISOString(), version: ++this.version } };
    this.users.set(id, stored);
    return {
      status: 201,
      body: this.represent(stored),
      headers: { 'content-type': 'application/scim+json', location: this.location('Users', id) },
    };
  }

  private replaceUser(request: FakeRequest): FakeResponse {
    const id = request.params.id ?? '';
    const stored = this.users.get(id);
    if (!stored) return this.error(404, `Resource ${id} not found`);
    const body = this.jsonBody(request);
    if (body instanceof Refusal) return body.response;
    const invalid = this.validateUser(body);
    if (invalid) return invalid;
    const user = this.writable(body);
    user.userName = this.storedUserName(String(user.userName));
    const conflict = this.uniquenessViolation(user, id);
    if (conflict) return this.error(409, conflict, 'uniqueness');
    // PUT replaces: whatever the body leaves out is gone (RFC 7644 §3.5.1).
    const replaced: Json = { ...user, id, meta: { ...(stored.meta as Json), version: ++this.version } };
    if (replaced.active === undefined) replaced.active = true;
    this.users.set(id, replaced);
    return { status: 200, body: this.represent(replaced), headers: { 'content-type': 'application/scim+json' } };
  }

  private patchUser(request: FakeRequest): FakeResponse {
    const id = request.params.id ?? '';
    const stored = this.users.get(id);
    if (!stored) return this.error(404, `Resource ${id} not found`);
    const operations = this.patchOperations(request);
    if (operations instanceof Refusal) return operations.response;
    // Work on a copy: one failing operation leaves the resource untouched (§3.5.2 atomicity).
    const copy = structuredClone(stored);
    for (const operation of operations) {
      const failure = this.applyUserOperation(copy, operation);
      if (failure) return failure;
    }
    if (typeof copy.userName !== 'string' || copy.userName === '') return this.error(400, 'userName is required', 'invalidValue');
    const conflict = this.uniquenessViolation(copy, id);
    if (conflict) return this.error(409, conflict, 'uniqueness');
    copy.meta = { ...(copy.meta as Json), version: ++this.version };
    this.users.set(id, copy);
    return { status: 200, body: this.represent(copy), headers: { 'content-type': 'application/scim+json' } };
  }

  private applyUserOperation(user: Json, operation: Json): FakeResponse | undefined {
    const op = operation.op;
    const path = operation.path;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') return this.error(400, `unknown op ${String(op)}`, 'invalidSyntax');
    if (path === undefined) {
      if (op === 'remove') return this.error(400, 'remove needs a path', 'noTarget');
      if (!isRecord(operation.value)) return this.error(400, 'a PATCH without a path takes an object value', 'invalidValue');
      for (const [key, value] of Object.entries(operation.value)) {
        const failure = this.setUserAttribute(user, key, undefined, value);
        if (failure) return failure;
      }
      return undefined;
    }
    if (typeof path !== 'string') return this.error(400, 'path must be a string', 'invalidPath');
    const target = this.userPath(path);
    if (!target) return this.error(400, `unsupported path ${path}`, 'invalidPath');
    if (op === 'remove') {
      if (READ_ONLY.has(target.attribute) || target.attribute === 'userName') return this.error(400, `${path} cannot be removed`, 'mutability');
      const holder = target.extension ? user[target.extension] : user;
      if (!isRecord(holder)) return undefined;
      const complex = holder[target.attribute];
      if (target.sub === undefined) delete holder[target.attribute];
      else if (isRecord(complex)) delete complex[target.sub];
      return undefined;
    }
    if (op === 'add' && target.attribute === 'emails' && !target.extension && Array.isArray(operation.value)) {
      // add on a multi-valued attribute appends (§3.5.2.1).
      user.emails = [...(Array.isArray(user.emails) ? user.emails : []), ...operation.value];
      return undefined;
    }
    return target.extension
      ? this.setUserAttribute(user, target.extension, target.attribute, operation.value, target.sub)
      : this.setUserAttribute(user, target.attribute, target.sub, operation.value);
  }

  /** `attr`, `attr.sub`, `<extension URN>:attr[.sub]`; value filters are not part of this fake. */
  private userPath(path: string): { extension?: string; attribute: string; sub?: string } | undefined {
    let rest = path;
    let extension: string | undefined;
    if (path.toLowerCase().startsWith(`${URN.enterpriseUser.toLowerCase()}:`)) {
      extension = URN.enterpriseUser;
      rest = path.slice(URN.enterpriseUser.length + 1);
    }
    const match = /^([A-Za-z$][\w$]*)(?:\.([A-Za-z$][\w$]*))?$/.exec(rest);
    if (!match?.[1]) return undefined;
    return { ...(extension ? { extension } : {}), attribute: match[1], ...(match[2] ? { sub: match[2] } : {}) };
  }

  private setUserAttribute(user: Json, attribute: string, sub: string | undefined, value: unknown, subSub?: string): FakeResponse | undefined {
    if (READ_ONLY.has(attribute)) return this.error(400, `${attribute} is read-only`, 'mutability');
    if (attribute === 'active' && typeof value !== 'boolean') return this.error(400, 'active must be a boolean', 'invalidValue');
    if (attribute === 'userName') {
      if (typeof value !== 'string' || value === '') return this.error(400, 'userName must be a non-empty string', 'invalidValue');
      user.userName = this.storedUserName(value);
      return undefined;
    }
    if (attribute.startsWith('urn:')) {
      if (attribute !== URN.enterpriseUser) return this.error(400, `unknown schema ${attribute}`, 'invalidPath');
      const extension = isRecord(user[attribute]) ? (user[attribute] as Json) : {};
      if (sub === undefined) {
        if (!isRecord(value)) return this.error(400, `${attribute} takes an object`, 'invalidValue');
        user[attribute] = { ...extension, ...value };
      } else if (subSub === undefined) {
        user[attribute] = { ...extension, [sub]: value };
      } else {
        user[attribute] = { ...extension, [sub]: { ...(isRecord(extension[sub]) ? (extension[sub] as Json) : {}), [subSub]: value } };
      }
      if (Array.isArray(user.schemas) && !user.schemas.includes(attribute)) user.schemas = [...user.schemas, attribute];
      return undefined;
    }
    if (sub === undefined) user[attribute] = value;
    else user[attribute] = { ...(isRecord(user[attribute]) ? (user[attribute] as Json) : {}), [sub]: value };
    return undefined;
  }

  // ---- Groups ----------------------------------------------------------------------------------

  private listGroups(): FakeResponse {
    return { status: 200, body: this.listResponse([...this.groups.values()].map((group) => this.representGroup(group)), 1, this.groups.size) };
  }

  private getGroup(id: string): FakeResponse {
    const group = this.groups.get(id);
    if (!group) return this.error(404, `Resource ${id} not found`);
    return { status: 200, body: this.representGroup(group), headers: { 'content-type': 'application/scim+json' } };
  }

  private patchGroup(request: FakeRequest): FakeResponse {
    const id = request.params.id ?? '';
    const group = this.groups.get(id);
    if (!group) return this.error(404, `Resource ${id} not found`);
    const operations = this.patchOperations(request);
    if (operations instanceof Refusal) return operations.response;
    const copy: StoredGroup = { ...group, members: [...group.members] };
    for (const operation of operations) {
      const failure = this.applyGroupOperation(copy, operation);
      if (failure) return failure;
    }
    group.displayName = copy.displayName;
    group.members = copy.members;
    return { status: 200, body: this.representGroup(group), headers: { 'content-type': 'application/scim+json' } };
  }

  private applyGroupOperation(group: StoredGroup, operation: Json): FakeResponse | undefined {
    const { op, path, value } = operation;
    if (path === 'displayName' && (op === 'replace' || op === 'add') && typeof value === 'string') {
      group.displayName = value;
      return undefined;
    }
    const filtered = typeof path === 'string' ? /^members\[value eq ("(?:[^"\\]|\\.)*")\]$/i.exec(path) : null;
    if (op === 'remove' && filtered?.[1]) {
      const member = JSON.parse(filtered[1]) as string;
      group.members = group.members.filter((existing) => existing !== member);
      return undefined;
    }
    if (path !== 'members') return this.error(400, `unsupported path ${String(path)}`, 'invalidPath');
    if (op === 'remove' && value === undefined) {
      group.members = [];
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((member) => isRecord(member) && typeof member.value === 'string')) {
      return this.error(400, 'members takes a list of {"value": "<id>"}', 'invalidValue');
    }
    const ids = value.map((member) => String((member as Json).value));
    if (op === 'remove') {
      group.members = group.members.filter((existing) => !ids.includes(existing));
      return undefined;
    }
    const unknown = ids.find((member) => !this.users.has(member));
    if (unknown !== undefined) return this.error(400, `no user ${unknown}`, 'invalidValue');
    if (op === 'replace') {
      group.members = [...new Set(ids)];
      return undefined;
    }
    if (op !== 'add') return this.error(400, `unknown op ${String(op)}`, 'invalidSyntax');
    // Adding a member twice changes nothing (§3.5.2.1: values already present are not duplicated).
    for (const member of ids) if (!group.members.includes(member)) group.members.push(member);
    return undefined;
  }

  // ---- shared ----------------------------------------------------------------------------------

  private admitted(request: FakeRequest, handle: () => FakeResponse): FakeResponse {
    return this.admit(request) ?? handle();
  }

  private jsonBody(request: FakeRequest): Json | Refusal {
    const type = String(request.headers['content-type'] ?? '');
    if (!/^application\/(scim\+)?json\b/i.test(type)) return new Refusal(this.error(415, 'use application/scim+json'));
    if (!isRecord(request.body)) return new Refusal(this.error(400, 'the body is not a JSON object', 'invalidSyntax'));
    return request.body;
  }

  private patchOperations(request: FakeRequest): Json[] | Refusal {
    const body = this.jsonBody(request);
    if (body instanceof Refusal) return body;
    if (!Array.isArray(body.schemas) || !body.schemas.includes(URN.patchOp)) {
      return new Refusal(this.error(400, `schemas must be [${URN.patchOp}]`, 'invalidSyntax'));
    }
    if (!Array.isArray(body.Operations) || !body.Operations.every(isRecord)) {
      return new Refusal(this.error(400, 'Operations must be a list', 'invalidSyntax'));
    }
    return body.Operations as Json[];
  }

  private parseFilter(filter: string): { attribute: string; value: string } | Refusal {
    // Attribute names and operators are case-insensitive (§3.4.2.2); the value is a JSON string.
    const match = /^\s*([\w.:$-]+)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter);
    if (!match?.[1] || !match[2]) return new Refusal(this.error(400, `unsupported filter ${filter}`, 'invalidFilter'));
    if (!this.filterValues(match[1], { userName: '' })) return new Refusal(this.error(400, `cannot filter on ${match[1]}`, 'invalidFilter'));
    return { attribute: match[1], value: JSON.parse(match[2]) as string };
  }

  private page(resources: readonly Json[], request: FakeRequest): FakeResponse {
    const startParam = request.query.get('startIndex');
    const countParam = request.query.get('count');
    if ((startParam !== null && !/^-?\d+$/.test(startParam)) || (countParam !== null && !/^-?\d+$/.test(countParam))) {
      return this.error(400, 'startIndex and count are integers', 'invalidValue');
    }
    // §3.4.2.4: a startIndex below 1 is 1; a negative count is 0; the app may return fewer.
    const startIndex = Math.max(1, startParam === null ? 1 : Number(startParam));
    const count = Math.min(this.pageSize, Math.max(0, countParam === null ? this.pageSize : Number(countParam)));
    const slice = resources.slice(startIndex - 1, startIndex - 1 + count);
    return { status: 200, body: this.listResponse(slice, startIndex, resources.length), headers: { 'content-type': 'application/scim+json' } };
  }

  private listResponse(resources: readonly Json[], startIndex: number, totalResults: number): Json {
    return { schemas: [URN.listResponse], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
  }

  private writable(body: Json): Json {
    const user: Json = {};
    for (const [key, value] of Object.entries(body)) if (!READ_ONLY.has(key) || key === 'schemas') user[key] = structuredClone(value);
    return user;
  }

  private represent(stored: Json): Json {
    const id = String(stored.id);
    const meta = stored.meta as Json;
    const groups = [...this.groups.values()]
      .filter((group) => group.members.includes(id))
      .map((group) => ({ value: group.id, display: group.displayName, $ref: this.location('Groups', group.id), type: 'direct' }));
    return {
      ...structuredClone(stored),
      groups,
      meta: { resourceType: 'User', created: meta.created, location: this.location('Users', id), version: `W/"${String(meta.version)}"` },
    };
  }

  private representGroup(group: StoredGroup): Json {
    return {
      schemas: [URN.group],
      id: group.id,
      displayName: group.displayName,
      members: group.members.map((member) => ({ value: member, $ref: this.location('Users', member), display: this.users.get(member)?.userName })),
      meta: { resourceType: 'Group', location: this.location('Groups', group.id) },
    };
  }

  private location(type: 'Users' | 'Groups', id: string): string {
    return `${this.scimBaseUrl}/${type}/${id}`;
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function emailValues(user: Json): string[] {
  if (!Array.isArray(user.emails)) return [];
  return user.emails.flatMap((email) => (isRecord(email) && typeof email.value === 'string' ? [email.value] : []));
}
