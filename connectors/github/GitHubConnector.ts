import * as z from 'zod';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { sameIdentifier } from '../../lib/connector-sdk/sameIdentifier.js';
import type { JsonRequest, JsonResponse } from '../../lib/connector-sdk/requestJson.js';
import type {
  AccountLister,
  AccountManager,
  AccountPage,
  AccountResult,
  AppAccount,
  ChangeResult,
  Connector,
  EntitlementProvisioner,
} from '../../lib/connector-sdk/Connector.js';
import { githubLoginFor } from './githubLoginFor.js';
import { githubRequest } from './githubRequest.js';
import type { GitHubSettings } from './githubSettingsSchema.js';
import { isGitHubLogin } from './isGitHubLogin.js';
import { nextLink } from './nextLink.js';
import { parseGitHubEntitlement } from './parseGitHubEntitlement.js';

/** "Get organization membership for a user" (the parts used here). */
const orgMembershipSchema = z.object({
  state: z.string(),
  role: z.string(),
  user: z.object({ login: z.string() }).nullish(),
});
type OrgMembership = z.infer<typeof orgMembershipSchema>;

/** "List organization members": simple users. */
const membersSchema = z.array(z.object({ login: z.string() }));

/** "List pending organization invitations": `login` is null for an invitation sent to an email. */
const invitationsSchema = z.array(z.object({ login: z.string().nullish(), role: z.string() }));

/**
 * Listing walks three GitHub lists one after the other, so that an account's role shows in its
 * entitlements and invited people are not mistaken for missing accounts: owners, other members,
 * then pending invitations (which "List organization members" leaves out).
 */
const LIST_PHASES = ['admins', 'members', 'invitations'] as const;
type ListPhase = (typeof LIST_PHASES)[number];

/**
 * GitHub organization membership as a Perimeter connector (docs.github.com REST "Organization
 * members" and "Team members").
 *
 * - An account is a person's membership of the organization; its id is the GitHub login, which is
 *   what every membership endpoint is addressed by. Perimeter never creates GitHub users: people own
 *   their GitHub accounts, and the login comes from a person attribute (see githubLoginFor).
 * - Adding a member is an invitation: the membership is `pending` until the person accepts it (and
 *   GitHub drops it if they do not, after 7 days). A pending membership is reported `active: true`:
 *   `active` says whether access is switched off, and GitHub has no switched-off member, only members
 *   (invited or joined) and non-members. An expired invitation is simply gone, so `findAccount`
 *   returns nothing and the planner invites again.
 * - Disable and delete are the same call: GitHub has no suspended org member, so both remove the
 *   membership (cancelling a pending invitation), which also removes the person from every team.
 * - There is no session revocation: GitHub offers organizations no way to end a member's sessions or
 *   tokens; removing the membership is what cuts access to the organization's resources.
 * - GitHub takes no idempotency key. Every change is made idempotent by reading first: a call that
 *   finds the state already in place answers `{ changed: false }` without writing.
 */
export class GitHubConnector implements Connector, AccountManager, EntitlementProvisioner, AccountLister {
  public readonly type = 'github';

  public constructor(
    public readonly id: string,
    private readonly settings: GitHubSettings,
    private readonly context: ConnectorContext,
  ) {}

  public async findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    const login = githubLoginFor(person, this.settings);
    const membership = await this.getMembership(login);
    return membership && toAccount(membership, login);
  }

  /**
   * Invites the person as a plain member. An existing membership (an invitation or a member) is
   * reported `existing` and left as it is, role included: it may be another person's, mapped to
   * the same login, which only the engine's account links can tell.
   */
  public async createAccount(person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const login = githubLoginFor(person, this.settings);
    const existing = await this.getMembership(login);
    if (existing) return { changed: false, existing: true, account: toAccount(existing, login) };
    const created = await this.setRole(login, 'member');
    return { changed: true, account: toAccount(created, login) };
  }

  /** GitHub logins are ASCII and case-insensitive, so `sameIdentifier` is GitHub's own comparison. */
  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    try {
      return sameIdentifier(account.accountId, githubLoginFor(person, this.settings));
    } catch (error) {
      // A person without a usable login correlates with no account.
      if (error instanceof ConnectorError) return false;
      throw error;
    }
  }

  /** Logins are case-insensitive: one account whatever capitals GitHub or the person use. */
  public accountKey(accountId: string): string {
    return accountId.toLowerCase();
  }

  /** Account ids are logins, known before the invitation: the engine checks its links first. */
  public plannedAccountId(person: PersonSnapshot): string | undefined {
    try {
      return githubLoginFor(person, this.settings);
    } catch (error) {
      // No usable login: createAccount reports why.
      if (error instanceof ConnectorError) return undefined;
      throw error;
    }
  }

  /**
   * A member of an organization is never switched off (removing is all there is), so an existing
   * membership is enabled already; a missing one is not this call's to invite.
   */
  public async enableAccount(accountId: string, _idempotencyKey: string): Promise<AccountResult> {
    const login = checkedLogin(accountId);
    const membership = await this.getMembership(login);
    if (!membership) throw new ConnectorError('notFound', 'github enable: no such organization membership', { status: 404 });
    return { changed: false, account: toAccount(membership, login) };
  }

  /**
   * An org membership holds nothing of the person but the login and a role, and roles are
   * entitlements ("role:admin", granted and revoked like teams), so no profile change has anything to
   * write: the account is checked to still exist and returned unchanged. A person whose login now
   * maps elsewhere is another GitHub user, which an update cannot turn this account into.
   */
  public async updateAccount(accountId: string, person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const login = checkedLogin(accountId);
    if (githubLoginFor(person, this.settings).toLowerCase() !== login.toLowerCase()) {
      throw new ConnectorError('rejected', 'github update: the person now maps to another GitHub login; remove this account and create the new one');
    }
    const membership = await this.getMembership(login);
    if (!membership) throw new ConnectorError('notFound', 'github update: no such organization membership', { status: 404 });
    return { changed: false, account: toAccount(membership, login) };
  }

  /** Removes the membership: GitHub has no disabled member (see the class comment). */
  public async disableAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    return this.removeMembership(checkedLogin(accountId));
  }

  /** The same as disableAccount: removing the membership is all GitHub offers an organization. */
  public async deleteAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    return this.removeMembership(checkedLogin(accountId));
  }

  public async grant(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const login = checkedLogin(accountId);
    const wanted = parseGitHubEntitlement(entitlement);
    // Both calls below would invite a non-member to the organization; a grant retried after the
    // person left must fail instead of bringing them back.
    const membership = await this.getMembership(login);
    if (!membership) throw new ConnectorError('notFound', 'github grant: no such organization membership', { status: 404 });
    if (wanted.kind === 'role') {
      if (membership.role === wanted.role) return { changed: false };
      await this.setRole(login, wanted.role);
      return { changed: true };
    }
    // PUT would answer 200 for an existing team membership too, and could change a maintainer's
    // role to member: look first.
    if (await this.hasTeamMembership(login, wanted.slug)) return { changed: false };
    await this.call({
      method: 'PUT',
      url: this.teamMembershipUrl(wanted.slug, login),
      body: { role: 'member' },
      operation: 'github teams/add-or-update-membership-for-user-in-org',
    });
    return { changed: true };
  }

  public async revoke(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const login = checkedLogin(accountId);
    const unwanted = parseGitHubEntitlement(entitlement);
    if (unwanted.kind === 'team') {
      // Looked up first for the same reason as removeMembership.
      if (!(await this.hasTeamMembership(login, unwanted.slug))) return { changed: false };
      const response = await this.call({
        method: 'DELETE',
        url: this.teamMembershipUrl(unwanted.slug, login),
        accept: [404],
        operation: 'github teams/remove-membership-for-user-in-org',
      });
      return { changed: response.status !== 404 };
    }
    const membership = await this.getMembership(login);
    if (!membership || membership.role !== unwanted.role) return { changed: false };
    // An owner who loses "admin" stays a member; a member cannot be left without a role.
    if (unwanted.role === 'member') {
      throw new ConnectorError('rejected', 'github revoke: role:member cannot be revoked on its own; grant role:admin or remove the account');
    }
    await this.setRole(login, 'member');
    return { changed: true };
  }

  /**
   * One page of owners, members or pending invitations. The cursor is the phase and GitHub's own
   * rel="next" URL (GitHub builds those URLs, e.g. /organizations/{id}/members?page=2, so they are
   * followed rather than rebuilt); a cursor that does not point at the configured API is refused,
   * as following it would send the token elsewhere.
   */
  public async listAccounts(cursor?: string): Promise<AccountPage> {
    const { phase, url } = cursor === undefined ? { phase: LIST_PHASES[0], url: this.firstListUrl(LIST_PHASES[0]) } : this.readCursor(cursor);
    const response = await this.call({ method: 'GET', url, operation: `github list ${phase}` });
    const accounts = phase === 'invitations' ? invitationAccounts(response) : memberAccounts(response, phase === 'admins' ? 'admin' : 'member');
    const next = nextLink(response.headers.get('link'));
    const following = LIST_PHASES[LIST_PHASES.indexOf(phase) + 1];
    const nextCursor =
      next !== undefined ? `${phase}:${next}` : following !== undefined ? `${following}:${this.firstListUrl(following)}` : undefined;
    return nextCursor === undefined ? { accounts } : { accounts, nextCursor };
  }

  private async getMembership(login: string): Promise<OrgMembership | undefined> {
    const response = await this.call({
      method: 'GET',
      url: this.membershipUrl(login),
      accept: [404],
      operation: 'github orgs/get-membership-for-user',
    });
    return response.status === 404 ? undefined : parse(orgMembershipSchema, response);
  }

  /** Invites a non-member, or changes a member's (or invitee's) role. */
  private async setRole(login: string, role: 'admin' | 'member'): Promise<OrgMembership> {
    const response = await this.call({
      method: 'PUT',
      url: this.membershipUrl(login),
      body: { role },
      operation: 'github orgs/set-membership-for-user',
    });
    return parse(orgMembershipSchema, response);
  }

  /**
   * GitHub documents 204 and 403 for this DELETE, not what it answers for a non-member, so the
   * membership is looked up first; a 404 from the DELETE itself (another worker got there first) is
   * taken as unchanged too.
   */
  private async removeMembership(login: string): Promise<ChangeResult> {
    if (!(await this.getMembership(login))) return { changed: false };
    const response = await this.call({
      method: 'DELETE',
      url: this.membershipUrl(login),
      accept: [404],
      operation: 'github orgs/remove-membership-for-user',
    });
    return { changed: response.status !== 404 };
  }

  /** A pending team membership (the invitee has not joined yet) counts: the grant is in place. */
  private async hasTeamMembership(login: string, slug: string): Promise<boolean> {
    const response = await this.call({
      method: 'GET',
      url: this.teamMembershipUrl(slug, login),
      accept: [404],
      operation: 'github teams/get-membership-for-user-in-org',
    });
    return response.status !== 404;
  }

  private call(request: JsonRequest): Promise<JsonResponse> {
    return githubRequest(this.context, request);
  }

  private get orgUrl(): string {
    return `${this.settings.apiBaseUrl}/orgs/${encodeURIComponent(this.settings.org)}`;
  }

  private membershipUrl(login: string): string {
    return `${this.orgUrl}/memberships/${encodeURIComponent(login)}`;
  }

  private teamMembershipUrl(slug: string, login: string): string {
    return `${this.orgUrl}/teams/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(login)}`;
  }

  private firstListUrl(phase: ListPhase): string {
    const perPage = `per_page=${this.settings.pageSize}`;
    if (phase === 'invitations') return `${this.orgUrl}/invitations?${perPage}`;
    return `${this.orgUrl}/members?role=${phase === 'admins' ? 'admin' : 'member'}&${perPage}`;
  }

  private readCursor(cursor: string): { phase: ListPhase; url: string } {
    const separator = cursor.indexOf(':');
    const phase = LIST_PHASES.find((candidate) => candidate === cursor.slice(0, separator));
    const url = cursor.slice(separator + 1);
    if (separator < 0 || phase === undefined || !url.startsWith(`${this.settings.apiBaseUrl}/`)) {
      throw new ConnectorError('rejected', 'github list: the cursor is not one this connector issued');
    }
    return { phase, url };
  }
}

/**
 * Maps a membership to an account; pending and active are both `active: true` (see the class
 * comment). The login GitHub returns is preferred, as it carries the account's own capitalisation.
 */
function toAccount(membership: OrgMembership, login: string): AppAccount {
  const accountLogin = membership.user?.login ?? login;
  return { accountId: accountLogin, userName: accountLogin, active: true, entitlements: [`role:${membership.role}`] };
}

function memberAccounts(response: JsonResponse, role: 'admin' | 'member'): AppAccount[] {
  return parse(membersSchema, response).map((user) => ({ accountId: user.login, userName: user.login, active: true, entitlements: [`role:${role}`] }));
}

/**
 * Invitations by email alone have no login yet, so no account to match; they become one when the
 * person accepts. GitHub calls the plain member role of an invitation "direct_member".
 */
function invitationAccounts(response: JsonResponse): AppAccount[] {
  return parse(invitationsSchema, response).flatMap((invitation) =>
    invitation.login
      ? [
          {
            accountId: invitation.login,
            userName: invitation.login,
            active: true,
            entitlements: [`role:${invitation.role === 'direct_member' ? 'member' : invitation.role}`],
          },
        ]
      : [],
  );
}

/** A 2xx body of an unexpected shape is GitHub (or a proxy) misbehaving: retryable, like malformed JSON. */
function parse<T>(schema: z.ZodType<T>, response: JsonResponse): T {
  const result = schema.safeParse(response.body);
  if (!result.success) throw new ConnectorError('unavailable', `github: unexpected response shape (HTTP ${response.status})`, { status: response.status });
  return result.data;
}

/** Account ids are logins; anything else must not reach a URL path. */
function checkedLogin(accountId: string): string {
  if (!isGitHubLogin(accountId)) throw new ConnectorError('rejected', 'github: the account id is not a GitHub login');
  return accountId;
}
