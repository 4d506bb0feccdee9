import { randomInt } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../FakeServer.js';
import { FakeScimApi, type FakeScimApiOptions } from '../scim/FakeScimApi.js';
import { TokenBucket } from './TokenBucket.js';

type Json = Record<string, unknown>;

/**
 * docs.slack.dev/reference/scim-api/rate-limits: org-wide limits per set of endpoints, plus limits
 * per endpoint; [requests per minute, burst]. GET /Users (the list) has no endpoint limit of its
 * own, only the org-wide read one.
 */
const SCIM_LIMITS = {
  writes: [600, 180],
  reads: [1000, 1000],
  'GET /Users/{id}': [300, 300],
  'POST /Users': [180, 20],
  'PUT /Users/{id}': [180, 20],
  'PATCH /Users/{id}': [180, 20],
  'DELETE /Users/{id}': [180, 20],
  'GET /Groups/{id}': [300, 300],
  'POST /Groups': [180, 20],
  'PUT /Groups/{id}': [180, 80],
  'PATCH /Groups/{id}': [180, 80],
  'DELETE /Groups/{id}': [180, 20],
} as const satisfies Record<string, readonly [number, number]>;

/**
 * Web API methods are rate-limited per tier (docs.slack.dev/apis/web-api/rate-limits: Tier 2 is
 * "20+ per minute"). The tier of admin.users.session.reset was not confirmed from its reference
 * page; the fake assumes Tier 2 and holds it to the tier's floor, as a burst of 20.
 */
const SESSION_RESET_LIMIT = [20, 20] as const;

const SCIM_DESCRIPTIONS: Record<number, string> = {
  400: 'bad_request',
  401: 'invalid_authentication',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Slack's SCIM 2.0 API (docs.slack.dev/reference/scim-api, base /scim/v2) and the one Web API
 * method the connector uses, on one server. It is the RFC 7644 fake with Slack's differences:
 * - errors are `{"Errors": {"description": "<code>", "code": <status>}}` (the shape Slack's SDKs
 *   parse: slack-api-client SCIM2ApiErrorResponse; "unsupported_version" with 400 in their tests);
 * - user ids look like Enterprise Grid's "W0123ABCD", group ids like "S0123ABCD";
 * - an email sent as userName becomes a handle, its local part (python-slack-sdk SCIM docs: "You
 *   may provide an email address as the user_name value, but it will be automatically converted to
 *   a Slack-acceptable username"); `email eq "..."` filters work, and emails are unique;
 * - DELETE /Users/{id} "sets a Slack user to deactivated": the user stays, `active: false`, and a
 *   second DELETE succeeds again (slack-api-client's SCIM 2 tests delete twice);
 * - the documented rate limits (org-wide and per endpoint, per minute with bursts) answer 429
 *   with Retry-After, on a clock tests can move (`now`);
 * - POST /api/admin.users.session.reset takes `user_id` as JSON or form fields and answers HTTP
 *   200 with `{"ok": true}` or `{"ok": false, "error": "..."}`: not_authed, invalid_auth,
 *   missing_scope (with `needed`/`provided`), feature_not_enabled (not Enterprise Grid),
 *   invalid_arguments, user_not_found; HTTP 429 with Retry-After and `"error": "ratelimited"` over
 *   its tier.
 * The description strings other than "unsupported_version" are not documented by Slack; the fake
 * uses snake_case codes in Slack's style, and the connector reads only the status.
 */
export class FakeSlackApi extends FakeScimApi {
  /** The clock the rate limits run on; tests move it instead of waiting. */
  public now: () => number = Date.now;
  /** Whether the rate limits apply; on by default, since Slack's always do. */
  public rateLimited = true;
  /** admin.users.session.reset exists on Enterprise Grid only. */
  public enterpriseGrid = true;
  /** Scopes of a token; a token not listed here has every scope the connector needs. */
  public readonly tokenScopes = new Map<string, readonly string[]>();
  /** User ids whose sessions were reset, in order. */
  public readonly sessionResets: string[] = [];
  private readonly buckets = new Map<string, TokenBucket>();

  public constructor(options: FakeScimApiOptions = {}) {
    super({ ...options, basePath: '/scim/v2' });
    this.route('POST', '/api/admin.users.session.reset', (request) => this.resetSessions(request));
  }

  /** The Web API base a connector is configured with. */
  public get webApiBaseUrl(): string {
    return `${this.url}/api`;
  }

  protected override error(status: number, _detail: string, scimType?: string): FakeResponse {
    const description = status === 409 && scimType === 'uniqueness' ? 'user_already_exists' : (SCIM_DESCRIPTIONS[status] ?? 'error');
    return { status, body: { Errors: { description, code: status } } };
  }

  protected override unauthorized(): FakeResponse {
    // The Web API refuses a bad token with HTTP 200 and "invalid_auth", the SCIM API with a 401.
    // FakeServer does not pass the request here, but records it and, without `latencyMs`, reaches
    // the token check with no await in between, so the last recorded request is the one refused.
    const path = this.requests.at(-1)?.path ?? '';
    if (path.startsWith('/api/')) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    return this.error(401, 'invalid_authentication');
  }

  protected override admit(request: FakeRequest): FakeResponse | undefined {
    if (!this.rateLimited) return undefined;
    const endpoint = `${request.method} ${request.path.replace(/^\/scim\/v2/, '').replace(/^\/(Users|Groups)\/[^/]+$/, '/$1/{id}')}`;
    const set = request.method === 'GET' ? 'reads' : 'writes';
    const limits: string[] = [set, ...(endpoint in SCIM_LIMITS ? [endpoint] : [])];
    for (const limit of limits) {
      const [perMinute, burst] = SCIM_LIMITS[limit as keyof typeof SCIM_LIMITS];
      const wait = this.bucket(limit, perMinute, burst).take(this.now());
      if (wait > 0) return { ...this.error(429, 'rate limited'), headers: { 'retry-after': String(wait) } };
    }
    return undefined;
  }

  protected override newUserId(): string {
    return `W${slackIdSuffix()}`;
  }

  protected override newGroupId(): string {
    return `S${slackIdSuffix()}`;
  }

  protected override storedUserName(userName: string): string {
    const at = userName.indexOf('@');
    return at > 0 ? userName.slice(0, at).toLowerCase() : userName;
  }

  protected override uniquenessViolation(candidate: Json, exceptId?: string): string | undefined {
    const taken = super.uniquenessViolation(candidate, exceptId);
    if (taken) return taken;
    const emails = emailValues(candidate).map((email) => this.compareKey(email));
    for (const [id, user] of this.users) {
      if (id !== exceptId && emailValues(user).some((email) => emails.includes(this.compareKey(email)))) return 'email is already taken';
    }
    return undefined;
  }

  protected override filterValues(attribute: string, user: Json): { values: readonly string[]; caseExact: boolean } | undefined {
    if (attribute.toLowerCase() === 'email') return { values: emailValues(user), caseExact: false };
    return super.filterValues(attribute, user);
  }

  protected override validateUser(body: Json): FakeResponse | undefined {
    // "Must include the user_name argument and at least one email address" (python-slack-sdk docs).
    return super.validateUser(body) ?? (emailValues(body).length === 0 ? this.error(400, 'an email is required') : undefined);
  }

  protected override deleteUser(id: string): FakeResponse {
    const user = this.users.get(id);
    if (!user) return this.error(404, `no user ${id}`);
    user.active = false;
    return { status: 204 };
  }

  private resetSessions(request: FakeRequest): FakeResponse {
    const args = this.webApiArguments(request);
    const token = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1] ?? args.token;
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (this.rateLimited) {
      const wait = this.bucket('admin.users.session.reset', ...SESSION_RESET_LIMIT).take(this.now());
      if (wait > 0) return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
    }
    const scopes = this.tokenScopes.get(token);
    if (scopes && !scopes.includes('admin.users:write')) {
      return { status: 200, body: { ok: false, error: 'missing_scope', needed: 'admin.users:write', provided: scopes.join(',') } };
    }
    if (!this.enterpriseGrid) return { status: 200, body: { ok: false, error: 'feature_not_enabled' } };
    const userId = args.user_id;
    if (!userId) return { status: 200, body: { ok: false, error: 'invalid_arguments' } };
    if (!this.users.has(userId)) return { status: 200, body: { ok: false, error: 'user_not_found' } };
    this.sessionResets.push(userId);
    return { status: 200, body: { ok: true } };
  }

  /** Web API arguments come as JSON or as form fields. */
  private webApiArguments(request: FakeRequest): Record<string, string | undefined> {
    const type = String(request.headers['content-type'] ?? '');
    if (/^application\/json/i.test(type) && typeof request.body === 'object' && request.body !== null) {
      return Object.fromEntries(Object.entries(request.body as Json).map(([key, value]) => [key, typeof value === 'string' ? value : undefined]));
    }
    return Object.fromEntries(new URLSearchParams(request.rawBody));
  }

  private bucket(name: string, perMinute: number, burst: number): TokenBucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new TokenBucket(perMinute, burst);
      this.buckets.set(name, bucket);
    }
    return bucket;
  }
}

function slackIdSuffix(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from({ length: 10 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

function emailValues(user: Json): string[] {
  if (!Array.isArray(user.emails)) return [];
  return user.emails.flatMap((email: unknown) => {
    const value = typeof email === 'object' && email !== null ? (email as Json).value : undefined;
    return typeof value === 'string' ? [value] : [];
  });
}
