import { type Connector, isAccountManager } from './Connector.js';

/** The key an account's link is held under: the connector's normal form of the id, if it has one. */
export function linkKeyOf(connector: Connector, accountId: string): string {
  return (isAccountManager(connector) ? connector.accountKey?.(accountId) : undefined) ?? accountId;
}
