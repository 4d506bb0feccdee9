import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import { SlackConnector } from './SlackConnector.js';
import { slackSettingsSchema } from './slackSettingsSchema.js';

/** Slack via SCIM 2.0 and admin.users.session.reset; see SlackConnector for what maps to what. */
export const slackConnector: ConnectorDefinition<typeof slackSettingsSchema> = {
  type: 'slack',
  settingsSchema: slackSettingsSchema,
  create: (id, settings, context) => new SlackConnector(id, settings, context),
};
