import { FakeServer, type FakeRequest, type FakeResponse } from '../FakeServer.js';

export interface FakeGitHubApiOptions {
  /** The organization created at start (more with addOrg). Default "acme". */
  readonly org?: string;
  /** Team slugs of that organization. Default platform and security. */
  readonly teams?: readonly string[];
  /** The largest `per_page` the fake honours; GitHub's is 100 (and its default page is 30). */
  readonly perPageLimit?: number;
}

export type FakeOrgRole = 'admin' | 'member';
export type FakeMembershipState = 'active' | 'pending';

interface FakeUser {
  readonly login: string;
  readonly id: number;
}

interface FakeOrgMembership {
  readonly user: FakeUser;
  role: FakeOrgRole;
  state: FakeMembershipState;
  /** The invitation behind a pending membership (GitHub lists those under /invitations). */
  readonly invitationId: number;
  readonly invitedAt: string;
}

interface FakeTeam {
  readonly id: number;
  readonly slug: string;
  readonly members: Map<string, { readonly user: FakeUser; role: 'member' | 'maintainer' }>;
}

interface FakeOrg {
  readonly login: string;
  readonly id: number;
  readonly memberships: Map<string, FakeOrgMembership>;
  readonly teams: Map<string, FakeTeam>;
}

/** API versions the fake knows; GitHub answers 400 to any other X-GitHub-Api-Version. */
const SUPPORTED_API_VERSIONS = new Set(['2022-11-28']);
const DOCS = 'https://docs.github.com/rest';
const RATE_LIMIT_DOCS = `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`;
const key = (login: string): string => login.toLowerCase();
const LOGIN = /^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/;

/**
 * A fake of GitHub's REST API for organization membership and teams, built from docs.github.com:
 * "REST API endpoints for organization members" (get/set/remove membership, list members with the
 * `role` filter, list pending invitations), "REST API endpoints for team members" (get/add-or-update/
 * remove team membership), "Using pagination in the REST API" (Link header with prev/next/first/last,
 * `per_page` carried in the links, which point at /organizations/{id}/...), "Rate limits for the
 * REST API" (x-ratelimit-* headers on every answer; primary exhaustion as 403 or 429 with
 * x-ratelimit-remaining 0; secondary limits as 403 or 429 with retry-after and their message),
 * "API versions" (400 for an unknown X-GitHub-Api-Version) and GitHub's error body
 * `{ message, documentation_url, status }`.
 *
 * Modelled behaviour: setting the membership of a non-member invites them (`pending` until
 * acceptInvitation); removing a membership cancels an invitation or removes the member and their team
 * memberships; adding a non-member to a team invites them to the organization; an owner's team role
 * reads "maintainer". Users exist on demand (any valid login) unless `autoCreateUsers` is off.
 * Not documented, so assumed: removing a membership that does not exist answers 404 (the GitHub
 * connector looks before it deletes, so it does not depend on this).
 */
export class FakeGitHubApi extends FakeServer {
  /** Create a GitHub user for any well-formed login the API is asked about; off: only addUser's. */
  public autoCreateUsers = true;
  public perPageLimit: number;
  private readonly users = new Map<string, FakeUser>();
  private readonly orgs = new Map<string, FakeOrg>();
  private nextId = 1000;
  private primary = { limit: 5000, used: 0, resetAt: Math.floor(Date.now() / 1000) + 3600, status: 403 as 403 | 429 };

  public constructor(options: FakeGitHubApiOptions = {}) {
    super();
    this.perPageLimit = options.perPageLimit ?? 100;
    this.addOrg(options.org ?? 'acme', options.teams ?? ['platform', 'security']);

    this.route('GET', '/orgs/:org/memberships/:username', this.github((r) => this.getMembership(r)));
    this.route('PUT', '/orgs/:org/memberships/:username', this.github((r) => this.setMembership(r)));
    this.route('DELETE', '/orgs/:org/memberships/:username', this.github((r) => this.removeMembership(r)));
    this.route('GET', '/orgs/:org/members', this.github((r) => this.listMembers(r, this.org(r.params.org))));
    this.route('GET', '/organizations/:id/members', this.github((r) => this.listMembers(r, this.orgById(r.params.id))));
    this.route('GET', '/orgs/:org/invitations', this.github((r) => this.listInvitations(r, this.org(r.params.org))));
    this.route('GET', '/organizations/:id/invitations', this.github((r) => this.listInvitations(r, this.orgById(r.params.id))));
    this.route('GET', '/orgs/:org/teams/:slug/memberships/:username', this.github((r) => this.getTeamMembership(r)));
    this.route('PUT', '/orgs/:org/teams/:slug/memberships/:username', this.github((r) => this.setTeamMembership(r)));
    this.route('DELETE', '/orgs/:org/teams/:slug/memberships/:username', this.github((r) => this.removeTeamMembership(r)));
  }

  public addOrg(login: string, teams: readonly string[] = []): void {
    const org: FakeOrg = { login, id: this.nextId++, memberships: new Map(), teams: new Map() };
    for (const slug of teams) org.teams.set(slug, { id: this.nextId++, slug, members: new Map() });
    this.orgs.set(key(login), org);
  }

  public addUser(login: string): void {
    if (!this.users.has(key(login))) this.users.set(key(login), { login, id: this.nextId++ });
  }

  /** Seeds a membership directly (an owner, a long-standing member, an open invitation). */
  public addMember(login: string, options: { role?: FakeOrgRole; state?: FakeMembershipState; org?: string } = {}): void {
    this.addUser(login);
    const org = this.mustOrg(options.org);
    const user = this.users.get(key(login)) as FakeUser;
    org.memberships.set(key(login), this.newMembership(user, options.role ?? 'member', options.state ?? 'active'));
  }

  /** The person accepts their invitation: the membership becomes active. */
  public acceptInvitation(login: string, orgLogin?: string): void {
    const membership = this.mustOrg(orgLogin).memberships.get(key(login));
    if (!membership) throw new Error(`no invitation for ${login}`);
    membership.state = 'active';
  }

  public orgMembership(login: string, orgLogin?: string): { role: FakeOrgRole; state: FakeMembershipState } | undefined {
    const membership = this.mustOrg(orgLogin).memberships.get(key(login));
    return membership && { role: membership.role, state: membership.state };
  }

  public teamMembers(slug: string, orgLogin?: string): string[] {
    const team = this.mustOrg(orgLogin).teams.get(slug);
    if (!team) throw new Error(`no team ${slug}`);
    return [...team.members.values()].map((member) => member.user.login);
  }

  /** Primary limit: after `limit` more requests GitHub answers `status` with remaining 0 until `resetAt`. */
  public limitPrimaryRate(limit: number, options: { resetAt?: number; status?: 403 | 429 } = {}): void {
    this.primary = {
      limit,
      used: 0,
      resetAt: options.resetAt ?? Math.floor(Date.now() / 1000) + 3600,
      status: options.status ?? 403,
    };
  }

  /** The next request meets a secondary limit: 403 (or 429), GitHub's message, retry-after when given. */
  public triggerSecondaryRateLimit(options: { status?: 403 | 429; retryAfterSeconds?: number } = {}): void {
    this.injectFault({
      kind: 'status',
      status: options.status ?? 403,
      headers: {
        ...this.rateHeaders(),
        ...(options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) }),
      },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
        status: String(options.status ?? 403),
      },
    });
  }

  /** The next request is refused the way GitHub refuses it (e.g. 403 for a token without the scope). */
  public rejectNext(status: number, message: string): void {
    this.injectFault({ kind: 'status', status, headers: this.rateHeaders(), body: error(status, message, DOCS) });
  }

  protected override unauthorized(): FakeResponse {
    return { status: 401, body: error(401, 'Bad credentials', DOCS), headers: this.rateHeaders() };
  }

  /** What every GitHub route shares: the API version check, the primary limit and its headers. */
  private github(handler: (request: FakeRequest) => FakeResponse): (request: FakeRequest) => FakeResponse {
    return (request) => {
      const version = request.headers['x-github-api-version'];
      if (typeof version === 'string' && !SUPPORTED_API_VERSIONS.has(version)) {
        return { status: 400, body: error(400, `Unsupported 'X-GitHub-Api-Version' header: ${version}`, `${DOCS}/about-the-rest-api/api-versions`) };
      }
      if (this.primary.used >= this.primary.limit) {
        return {
          status: this.primary.status,
          headers: this.rateHeaders(),
          body: error(this.primary.status, 'API rate limit exceeded for user ID 1.', `${RATE_LIMIT_DOCS}#about-primary-rate-limits`),
        };
      }
      this.primary.used++;
      const response = handler(request);
      return { ...response, headers: { ...this.rateHeaders(), ...response.headers } };
    };
  }

  private rateHeaders(): Record<string, string> {
    const { limit, used, resetAt } = this.primary;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-resource': 'core',
    };
  }

  private getMembership(request: FakeRequest): FakeResponse {
    const org = this.org(request.params.org);
    const membership = org?.memberships.get(key(request.params.username ?? ''));
    if (!org || !membership) return notFound('orgs/members#get-organization-membership-for-a-user');
    return { status: 200, body: this.membershipBody(org, membership) };
  }

  private setMembership(request: FakeRequest): FakeResponse {
    const org = this.org(request.params.org);
    const user = this.user(request.params.username);
    if (!org || !user) return notFound('orgs/members#set-organization-membership-for-a-user');
    const role = (request.body as { role?: unknown } | undefined)?.role ?? 'member';
    if (role !== 'admin' && role !== 'member') return validationFailed('OrgMembership', 'role', 'orgs/members#set-organization-membership-for-a-user');
    const existing = org.memberships.get(key(user.login));
    if (existing) existing.role = role;
    else org.memberships.set(key(user.login), this.newMembership(user, role, 'pending'));
    return { status: 200, body: this.membershipBody(org, org.memberships.get(key(user.login)) as FakeOrgMembership) };
  }

  private removeMembership(request: FakeRequest): FakeResponse {
    const org = this.org(request.params.org);
    const login = key(request.params.username ?? '');
    if (!org || !org.memberships.has(login)) return notFound('orgs/members#remove-organization-membership-for-a-user');
    org.memberships.delete(login);
    for (const team of org.teams.values()) team.members.delete(login);
    return { status: 204 };
  }

  private listMembers(request: FakeRequest, org: FakeOrg | undefined): FakeResponse {
    if (!org) return notFound('orgs/members#list-organization-members');
    const role = request.query.get('role') ?? 'all';
    if (role !== 'all' && role !== 'admin' && role !== 'member') return validationFailed('Member', 'role', 'orgs/members#list-organization-members');
    const members = [...org.memberships.values()]
      .filter((m) => m.state === 'active' && (role === 'all' || m.role === role))
      .sort((a, b) => a.user.id - b.user.id)
      .map((m) => this.userBody(m.user));
    return this.page(request, members, `/organizations/${org.id}/members`);
  }

  private listInvitations(request: FakeRequest, org: FakeOrg | undefined): FakeResponse {
    if (!org) return notFound('orgs/members#list-pending-organization-invitations');
    const invitations = [...org.memberships.values()]
      .filter((m) => m.state === 'pending')
      .sort((a, b) => a.invitationId - b.invitationId)
      .map((m) => ({
        id: m.invitationId,
        node_id: `OI_${m.invitationId}`,
        login: m.user.login,
        email: null,
        role: m.role === 'admin' ? 'admin' : 'direct_member',
        created_at: m.invitedAt,
        failed_at: null,
        failed_reason: null,
        inviter: this.userBody({ login: 'octocat', id: 1 }),
        team_count: [...org.teams.values()].filter((t) => t.members.has(key(m.user.login))).length,
        invitation_teams_url: `${this.url}/organizations/${org.id}/invitations/${m.invitationId}/teams`,
        invitation_source: 'member',
      }));
    return this.page(request, invitations, `/organizations/${org.id}/invitations`);
  }

  private getTeamMembership(request: FakeRequest): FakeResponse {
    const org = this.org(request.params.org);
    const team = org?.teams.get(request.params.slug ?? '');
    const login = key(request.params.username ?? '');
    const member = team?.members.get(login);
    const orgMembership = org?.memberships.get(login);
    if (!org || !team || !member || !orgMembership) return notFound('teams/members#get-team-membership-for-a-user');
    return { status: 200, body: this.teamMembershipBody(team, member.user, orgMembership.role === 'admin' ? 'maintainer' : member.role, orgMembership.state) };
  }

  private setTeamMembership(request: FakeRequest): FakeResponse {
    const org = this.org(request.params.org);
    const team = org?.teams.get(request.params.slug ?? '');
    const user = this.user(request.params.username);
    if (!org || !team || !user) return notFound('teams/members#add-or-update-team-membership-for-a-user');
    const role = (request.body as { role?: unknown } | undefined)?.role ?? 'member';
    if (role !== 'member' && role !== 'maintainer') return validationFailed('TeamMember', 'role', 'teams/members#add-or-update-team-membership-for-a-user');
    // A non-member added to a team is invited to the organization; the team membership waits with it.
    let orgMembership = org.memberships.get(key(user.login));
    if (!orgMembership) {
      orgMembership = this.newMembership(user, 'member', 'pending');
      org.memberships.set(key(user.login), orgMembership);
    }
    team.members.set(key(user.login), { user, role });
    return { status: 200, body: this.teamMembershipBody(team, user, role, orgMembership.state) };
  }

  private removeTeamMembership(request: FakeRequest): FakeResponse {
    const team = this.org(request.params.org)?.teams.get(request.params.slug ?? '');
    const login = key(request.params.username ?? '');
    if (!team || !team.members.has(login)) return notFound('teams/members#remove-team-membership-for-a-user');
    team.members.delete(login);
    return { status: 204 };
  }

  /** GitHub's page/per_page pagination with a Link header whose URLs keep the other query parameters. */
  private page(request: FakeRequest, items: readonly unknown[], canonicalPath: string): FakeResponse {
    const requested = Number(request.query.get('per_page') ?? 30);
    const perPage = Math.min(this.perPageLimit, Number.isInteger(requested) && requested > 0 ? requested : 30);
    const pageNumber = Math.max(1, Math.floor(Number(request.query.get('page') ?? 1)) || 1);
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const link = (page: number, rel: string): string => {
      const query = new URLSearchParams(request.query);
      query.delete('page');
      query.set('page', String(page));
      return `<${this.url}${canonicalPath}?${query.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(pageNumber > 1 ? [link(pageNumber - 1, 'prev')] : []),
      ...(pageNumber < lastPage ? [link(pageNumber + 1, 'next'), link(lastPage, 'last')] : []),
      ...(pageNumber > 1 ? [link(1, 'first')] : []),
    ];
    return {
      status: 200,
      body: items.slice((pageNumber - 1) * perPage, pageNumber * perPage),
      ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
    };
  }

  private membershipBody(org: FakeOrg, membership: FakeOrgMembership): unknown {
    return {
      url: `${this.url}/orgs/${org.login}/memberships/${membership.user.login}`,
      state: membership.state,
      role: membership.role,
      organization_url: `${this.url}/orgs/${org.login}`,
      organization: { login: org.login, id: org.id, node_id: `O_${org.id}`, url: `${this.url}/orgs/${org.login}` },
      user: this.userBody(membership.user),
    };
  }

  private teamMembershipBody(team: FakeTeam, user: FakeUser, role: string, state: FakeMembershipState): unknown {
    return { url: `${this.url}/teams/${team.id}/memberships/${user.login}`, role, state };
  }

  private userBody(user: FakeUser): Record<string, unknown> {
    return {
      login: user.login,
      id: user.id,
      node_id: `U_${user.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}`,
      gravatar_id: '',
      url: `${this.url}/users/${user.login}`,
      html_url: `https://github.com/${user.login}`,
      type: 'User',
      site_admin: false,
    };
  }

  private newMembership(user: FakeUser, role: FakeOrgRole, state: FakeMembershipState): FakeOrgMembership {
    return { user, role, state, invitationId: this.nextId++, invitedAt: new Date().toISOString() };
  }

  private org(login: string | undefined): FakeOrg | undefined {
    return this.orgs.get(key(login ?? ''));
  }

  private orgById(id: string | undefined): FakeOrg | undefined {
    return [...this.orgs.values()].find((org) => String(org.id) === id);
  }

  private mustOrg(login?: string): FakeOrg {
    const org = login === undefined ? this.orgs.values().next().value : this.org(login);
    if (!org) throw new Error(`no organization ${login ?? ''}`);
    return org;
  }

  private user(login: string | undefined): FakeUser | undefined {
    if (login === undefined) return undefined;
    if (!this.users.has(key(login)) && this.autoCreateUsers && LOGIN.test(login)) this.addUser(login);
    return this.users.get(key(login));
  }
}

function error(status: number, message: string, documentationUrl: string): Record<string, string> {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

function notFound(docsAnchor: string): FakeResponse {
  return { status: 404, body: error(404, 'Not Found', `${DOCS}/${docsAnchor}`) };
}

function validationFailed(resource: string, field: string, docsAnchor: string): FakeResponse {
  return {
    status: 422,
    body: { message: 'Validation Failed', errors: [{ resource, field, code: 'invalid' }], documentation_url: `${DOCS}/${docsAnchor}`, status: '422' },
  };
}
