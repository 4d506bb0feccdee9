import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import { GitHubConnector } from './GitHubConnector.js';
import { githubSettingsSchema } from './githubSettingsSchema.js';

/** GitHub organization membership and teams; see GitHubConnector for what maps to what. */
export const githubConnector: ConnectorDefinition<typeof githubSettingsSchema> = {
  type: 'github',
  settingsSchema: githubSettingsSchema,
  create: (id, settings, context) => new GitHubConnector(id, settings, context),
};
