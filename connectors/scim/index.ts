import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import { ScimConnector } from './ScimConnector.js';
import { scimSettingsSchema } from './scimSettingsSchema.js';

/** Any app with a SCIM 2.0 endpoint (RFC 7644); see ScimConnector for what maps to what. */
export const scimConnector: ConnectorDefinition<typeof scimSettingsSchema> = {
  type: 'scim',
  settingsSchema: scimSettingsSchema,
  create: (id, settings, context) => new ScimConnector(id, settings, context),
};
