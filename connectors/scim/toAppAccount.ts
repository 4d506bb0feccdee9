import type { AppAccount } from '../../lib/connector-sdk/Connector.js';
import { primaryEmail } from './primaryEmail.js';
import type { ScimUser } from './scimUserSchema.js';

/** The account as the engine sees it; group memberships become "group:<id>" entitlements. */
export function toAppAccount(user: ScimUser): AppAccount {
  const email = primaryEmail(user);
  const groups = (user.groups ?? []).flatMap((group) => (group.value === undefined ? [] : [`group:${group.value}`]));
  return {
    accountId: user.id,
    userName: user.userName ?? '',
    ...(email !== undefined ? { email } : {}),
    // RFC 7643 §4.1.1 does not make `active` required; an app that leaves it out has no notion of
    // disabled accounts, so the account is active.
    active: user.active !== false,
    entitlements: groups,
  };
}
