import type { SecretVersion } from '../ports/SecretStore.js';

/**
 * Whether an AWSPENDING version belongs to a rotation that an operator overtook: it was created
 * before the version that is now AWSCURRENT. A rotation always creates its pending version after
 * the current one it starts from, so a newer current one can only be a value put since (an operator
 * re-authorizing the app, `secrets put`). Put leaves AWSPENDING where it was; resuming that old
 * rotation would promote its credential over the operator's, which may be long dead (a refresh
 * token family revoked, the very reason the operator re-authorized).
 */
export function isReplacedPending(pending: SecretVersion | undefined, current: SecretVersion | undefined): boolean {
  if (!pending || !current || pending.versionId === current.versionId) return false;
  return Date.parse(pending.createdAt) < Date.parse(current.createdAt);
}
