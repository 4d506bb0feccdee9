import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import { MicrosoftEntraConnector } from './MicrosoftEntraConnector.js';
import { microsoftEntraSettingsSchema } from './microsoftEntraSettingsSchema.js';

/**
 * The "microsoft-entra" connector type: users, sign-in sessions and group membership through
 * Microsoft Graph v1.0. Defined here rather than in a file of its own, whose name would differ from
 * MicrosoftEntraConnector.ts only in case.
 */
export const microsoftEntraConnector: ConnectorDefinition<typeof microsoftEntraSettingsSchema> = {
  type: 'microsoft-entra',
  settingsSchema: microsoftEntraSettingsSchema,
  create: (id, settings, context) => new MicrosoftEntraConnector(id, settings, context),
};
