import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ScimConnector } from '../scim/ScimConnector.js';
import { scimFilterEquals } from '../scim/scimFilterEquals.js';
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
  SessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import { callSlackMethod } from './callSlackMethod.js';
import type { SlackSettings } from './slackSettingsSchema.js';

/**
 * Slack (Business+ and Enterprise Grid) through its SCIM 2.0 API, plus the Web API for sessions.
 *
 * Accounts, listing and "group:<id>" entitlements (IDP groups) are the generic SCIM connector,
 * configured for where Slack differs (docs.slack.dev/reference/scim-api):
 * - people are matched by `email eq "..."`, and existing accounts correlated by email: Slack
 *   turns an email sent as userName into a handle, so `userName eq` would not find them again,
 *   and email is unique in Slack too;
 * - DELETE /Users/{id} "sets a Slack user to deactivated" and succeeds on a user already
 *   deactivated, so "already deleted" is read from `active` first;
 * - members leave a group with `path: "members"` and the member list as the value.
 * Session revocation is admin.users.session.reset (Enterprise Grid, `admin.users:write`), which
 * wipes every session of the user on every device.
 */
export class SlackConnector implements Connector, AccountManager, EntitlementProvisioner, SessionRevoker, AccountLister {
  public readonly type = 'slack';
  private readonly scim: ScimConnector;

  public constructor(
    public readonly id: string,
    private readonly settings: SlackSettings,
    private readonly context: ConnectorContext,
  ) {
    const scimSettings = { baseUrl: settings.scimBaseUrl, userNameAttribute: 'userName', updateMethod: 'patch', pageSize: 100 } as const;
    this.scim = new ScimConnector(id, scimSettings, context, {
      type: 'slack',
      operationPrefix: 'slack scim',
      // Slack's SCIM examples send application/json.
      contentType: 'application/json',
      matchFilter: (person: PersonSnapshot, userName: string) =>
        person.email !== undefined ? scimFilterEquals('email', person.email) : scimFilterEquals('userName', userName),
      // Slack turns an email sent as userName into a handle, so the email is what correlates.
      correlates: (account: AppAccount, person: PersonSnapshot) =>
        person.email !== undefined
          ? account.email !== undefined && sameIdentifier(account.email, person.email)
          : sameIdentifier(account.userName, person.userName),
      memberRemoval: 'valueList',
      deleteDeactivates: true,
    });
  }

  public findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    return this.scim.findAccount(person);
  }

  public createAccount(person: PersonSnapshot, idempotencyKey: string): Promise<AccountResult> {
    return this.scim.createAccount(person, idempotencyKey);
  }

  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    return this.scim.correlates(account, person);
  }

  public enableAccount(accountId: string, idempotencyKey: string): Promise<AccountResult> {
    return this.scim.enableAccount(accountId, idempotencyKey);
  }

  public updateAccount(accountId: string, person: PersonSnapshot, idempotencyKey: string): Promise<AccountResult> {
    return this.scim.updateAccount(accountId, person, idempotencyKey);
  }

  public disableAccount(accountId: string, idempotencyKey: string): Promise<ChangeResult> {
    return this.scim.disableAccount(accountId, idempotencyKey);
  }

  /** Slack cannot delete a user: this deactivates it, as the SCIM DELETE does. */
  public deleteAccount(accountId: string, idempotencyKey: string): Promise<ChangeResult> {
    return this.scim.deleteAccount(accountId, idempotencyKey);
  }

  public grant(accountId: string, entitlement: string, idempotencyKey: string): Promise<ChangeResult> {
    return this.scim.grant(accountId, entitlement, idempotencyKey);
  }

  public revoke(accountId: string, entitlement: string, idempotencyKey: string): Promise<ChangeResult> {
    return this.scim.revoke(accountId, entitlement, idempotencyKey);
  }

  public listAccounts(cursor?: string): Promise<AccountPage> {
    return this.scim.listAccounts(cursor);
  }

  /**
   * The SCIM user id is the Slack user id the Web API takes. Slack does not say whether there were
   * sessions to end, so a successful reset always reports a change; resetting again is harmless.
   */
  public async revokeSessions(accountId: string, _idempotencyKey: string): Promise<ChangeResult> {
    await callSlackMethod(this.context, this.settings.webApiBaseUrl, 'admin.users.session.reset', { user_id: accountId });
    return { changed: true };
  }
}
