import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';

/** The group id in a "group:<id>" entitlement; anything else is a plan the connector cannot carry out. */
export function parseGroupEntitlement(entitlement: string, operation: string): string {
  const match = /^group:(.+)$/.exec(entitlement);
  if (!match?.[1]) throw new ConnectorError('rejected', `${operation}: entitlements look like "group:<id>"`);
  return match[1];
}
