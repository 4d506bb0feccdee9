import type { ConnectorDefinition } from '../lib/connector-sdk/ConnectorDefinition.js';
import { githubConnector } from './github/index.js';
import { googleWorkspaceConnector } from './google-workspace/index.js';
import { microsoftEntraConnector } from './microsoft-entra/index.js';
import { scimConnector } from './scim/index.js';
import { slackConnector } from './slack/index.js';

/**
 * Connector types by name. Each folder under connectors/ exports one definition; adding a connector
 * type means adding it here.
 */
export const connectorRegistry: ReadonlyMap<string, ConnectorDefinition> = new Map<string, ConnectorDefinition>(
  [scimConnector, slackConnector, githubConnector, googleWorkspaceConnector, microsoftEntraConnector].map((definition) => [
    definition.type,
    definition,
  ]),
);
