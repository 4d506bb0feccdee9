import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { sameIdentifier } from '../../lib/connector-sdk/sameIdentifier.js';
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
import { managedScimAttributes } from './managedScimAttributes.js';
import { parseGroupEntitlement } from './parseGroupEntitlement.js';
import { ScimClient } from './ScimClient.js';
import { scimFilterEquals } from './scimFilterEquals.js';
import type { ScimPatchOperation } from './ScimPatchOperation.js';
import type { ScimSettings } from './scimSettingsSchema.js';
import { SCIM_URNS } from './scimUrns.js';
import type { ScimUser } from './scimUserSchema.js';
import { toAppAccount } from './toAppAccount.js';

/** Where vendors that speak SCIM differ; the defaults are RFC 7644's. Vendor connectors set these. */
export interface ScimConnectorOptions {
  /** The connector type reported to the engine; "scim" by default. */
  readonly type?: string;
  /** Names calls in error messages; the type by default. */
  readonly operationPrefix?: string;
  /** application/scim+json by default. */
  readonly contentType?: string;
  /**
   * The filter that finds a person's account; `userName eq "<userName>"` by default. Undefined
   * means the person cannot be matched (no account can be found for them).
   */
  readonly matchFilter?: (person: PersonSnapshot, userName: string) => string | undefined;
  /**
   * Whether an account the app already holds is the person's (AccountManager.correlates); by
   * default its userName is the one this connector would create it with (`sameIdentifier`).
   */
  readonly correlates?: (account: AppAccount, person: PersonSnapshot, userName: string | undefined) => boolean;
  /**
   * How a member is removed from a group: with a value-filtered path (`members[value eq "id"]`,
   * the RFC 7644 §3.5.2.2 example) or with `path: "members"` and the members as the value.
   */
  readonly memberRemoval?: 'valuePath' | 'valueList';
  /**
   * The app's DELETE only deactivates (the user stays, `active: false`) and answers success every
   * time, so "already deleted" has to be read from the user before deleting.
   */
  readonly deleteDeactivates?: boolean;
}

/**
 * A SCIM 2.0 client connector (RFC 7644) for the many SaaS apps that accept SCIM provisioning:
 * accounts are Users, entitlements "group:<id>" are memberships of Groups, listing pages through
 * /Users with startIndex/count. Every call reads before it writes where the protocol gives no other
 * way to know "already done", so a redelivered step reports `changed: false` instead of failing.
 * SCIM has no idempotency-key header, so the keys are not sent.
 */
export class ScimConnector implements Connector, AccountManager, EntitlementProvisioner, AccountLister {
  public readonly type: string;
  private readonly client: ScimClient;
  private readonly operation: string;

  public constructor(
    public readonly id: string,
    private readonly settings: ScimSettings,
    context: ConnectorContext,
    private readonly options: ScimConnectorOptions = {},
  ) {
    this.type = options.type ?? 'scim';
    this.operation = options.operationPrefix ?? this.type;
    this.client = new ScimClient(context, {
      baseUrl: settings.baseUrl,
      operationPrefix: this.operation,
      contentType: options.contentType ?? 'application/scim+json',
    });
  }

  public async findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    const user = await this.findUser(person);
    return user && toAppAccount(user);
  }

  public async createAccount(person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const outcome = await this.client.createUser(this.newUser(person));
    if (outcome.created) return { changed: true, account: toAppAccount(outcome.user) };

    // 409: an account exists (a redelivered step, someone created it by hand, or a look-alike the
    // app folds onto another person's userName). RFC 7644 §3.3 asks for scimType "uniqueness"
    // here, but apps differ, so the proof is finding the account; whose it is, the engine decides.
    const existing = await this.findUser(person);
    if (!existing) {
      throw new ConnectorError('conflict', `${this.operation} POST /Users: HTTP 409 and no account matches the person`, { status: 409 });
    }
    return { changed: false, existing: true, account: toAppAccount(existing) };
  }

  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    const userName = this.settings.userNameAttribute === 'email' ? person.email : person.userName;
    if (this.options.correlates) return this.options.correlates(account, person, userName);
    return userName !== undefined && sameIdentifier(account.userName, userName);
  }

  public async enableAccount(accountId: string, _idempotencyKey: string): Promise<AccountResult> {
    const current = await this.requireUser(accountId, 'enable');
    if (current.active !== false) return { changed: false, account: toAppAccount(current) };
    const reactivated = await this.patch(accountId, [{ op: 'replace', path: 'active', value: true }]);
    return { changed: true, account: toAppAccount(reactivated) };
  }

  public async updateAccount(accountId: string, person: PersonSnapshot, _idempotencyKey: string): Promise<AccountResult> {
    const current = await this.requireUser(accountId, 'update');
    const stale = managedScimAttributes(person).filter((attribute) => !attribute.isCurrent(current));
    if (stale.length === 0) return { changed: false, account: toAppAccount(current) };

    if (this.settings.updateMethod === 'put') {
      // PUT replaces the resource (RFC 7644 §3.5.1), so it carries everything the app holds, with
      // Perimeter's attributes changed; read-only `meta` and `groups` are the app's to compute.
      const { meta: _meta, groups: _groups, ...resource } = current as Record<string, unknown>;
      for (const attribute of stale) attribute.applyTo(resource);
      const replaced = (await this.client.replaceUser(accountId, resource)) ?? (await this.requireUser(accountId, 'update'));
      return { changed: true, account: toAppAccount(replaced) };
    }
    const patched = await this.patch(
      accountId,
      stale.map((attribute) => ({ op: 'replace', path: attribute.path, value: attribute.value })),
    );
    return { changed: true, account: toAppAccount(patched) };
  }

  public async disableAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    const current = await this.requireUser(accountId, 'disable');
    if (current.active === false) return { changed: false };
    await this.patch(accountId, [{ op: 'replace', path: 'active', value: false }]);
    return { changed: true };
  }

  public async deleteAccount(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    if (this.options.deleteDeactivates) {
      const current = await this.client.getUser(accountId);
      if (!current || current.active === false) return { changed: false };
    }
    // 404 is success here: the account is gone, which is what was asked.
    return { changed: await this.client.deleteUser(accountId) };
  }

  public async grant(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const groupId = parseGroupEntitlement(entitlement, `${this.operation} grant`);
    const group = await this.client.getGroup(groupId);
    if (!group) throw new ConnectorError('notFound', `${this.operation} grant: GET /Groups/{id}: HTTP 404`, { status: 404 });
    // Membership is read first: RFC 7644 leaves "add a member twice" to the app (some answer 409 or
    // 400), and the answer must be `changed: false` either way.
    if ((group.members ?? []).some((member) => member.value === accountId)) return { changed: false };
    await this.client.patchGroup(groupId, [{ op: 'add', path: 'members', value: [{ value: accountId }] }]);
    return { changed: true };
  }

  public async revoke(accountId: string, entitlement: string, _idempotencyKey: string): Promise<ChangeResult> {
    const groupId = parseGroupEntitlement(entitlement, `${this.operation} revoke`);
    const group = await this.client.getGroup(groupId);
    // A group that no longer exists holds nobody: the membership is gone, as asked.
    if (!group || !(group.members ?? []).some((member) => member.value === accountId)) return { changed: false };
    const removal: ScimPatchOperation =
      this.options.memberRemoval === 'valueList'
        ? { op: 'remove', path: 'members', value: [{ value: accountId }] }
        : { op: 'remove', path: `members[${scimFilterEquals('value', accountId)}]` };
    await this.client.patchGroup(groupId, [removal]);
    return { changed: true };
  }

  /** Cursor = the next page's startIndex (RFC 7644 §3.4.2.4, 1-based). */
  public async listAccounts(cursor?: string): Promise<AccountPage> {
    if (cursor !== undefined && !/^[1-9]\d*$/.test(cursor)) {
      throw new ConnectorError('rejected', `${this.operation} GET /Users: cursor is not a startIndex`);
    }
    const startIndex = cursor === undefined ? 1 : Number(cursor);
    const page = await this.client.listUsers(startIndex, this.settings.pageSize);
    const users = page.Resources ?? [];
    const next = startIndex + users.length;
    // An empty page ends the walk even if totalResults says otherwise (users deleted meanwhile).
    const more = users.length > 0 && next <= page.totalResults;
    return { accounts: users.map(toAppAccount), ...(more ? { nextCursor: String(next) } : {}) };
  }

  private userNameOf(person: PersonSnapshot): string {
    if (this.settings.userNameAttribute === 'email') {
      if (!person.email) throw new ConnectorError('rejected', `${this.operation}: the person has no email, which this app uses as userName`);
      return person.email;
    }
    return person.userName;
  }

  private async findUser(person: PersonSnapshot): Promise<ScimUser | undefined> {
    const userName = this.userNameOf(person);
    const filter = this.options.matchFilter ? this.options.matchFilter(person, userName) : scimFilterEquals('userName', userName);
    if (filter === undefined) return undefined;
    const [user] = await this.client.findUsers(filter);
    return user;
  }

  private newUser(person: PersonSnapshot): Record<string, unknown> {
    const user: Record<string, unknown> = {
      schemas: [SCIM_URNS.user],
      userName: this.userNameOf(person),
      // RFC 7643 §3.1: externalId is the provisioning client's own identifier for the resource.
      externalId: person.id,
      active: true,
    };
    for (const attribute of managedScimAttributes(person)) attribute.applyTo(user);
    return user;
  }

  private async requireUser(accountId: string, action: string): Promise<ScimUser> {
    const user = await this.client.getUser(accountId);
    if (!user) throw new ConnectorError('notFound', `${this.operation} ${action}: GET /Users/{id}: HTTP 404`, { status: 404 });
    return user;
  }

  /** PATCH, and the user as it now is: from the answer, or read again after a 204. */
  private async patch(accountId: string, operations: readonly ScimPatchOperation[]): Promise<ScimUser> {
    return (await this.client.patchUser(accountId, operations)) ?? (await this.requireUser(accountId, 'patch'));
  }
}
