import type { ConnectorDefinition } from './ConnectorDefinition.js';

/**
 * Connector types by name. Each folder under connectors/ exports one definition; adding a connector
 * type means adding it here.
 */
export const connectorRegistry: ReadonlyMap<string, ConnectorDefinition> = new Map<string, ConnectorDefinition>([]);
