import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import { GoogleWorkspaceConnector } from './GoogleWorkspaceConnector.js';
import { googleWorkspaceSettingsSchema } from './googleWorkspaceSettingsSchema.js';

/**
 * The "google-workspace" connector type: the Admin SDK's Directory API (users, sessions, group
 * membership) and Data Transfer API (Drive ownership). Defined here rather than in a file of its
 * own, whose name would differ from GoogleWorkspaceConnector.ts only in case.
 */
export const googleWorkspaceConnector: ConnectorDefinition<typeof googleWorkspaceSettingsSchema> = {
  type: 'google-workspace',
  settingsSchema: googleWorkspaceSettingsSchema,
  create: (id, settings, context) => new GoogleWorkspaceConnector(id, settings, context),
};
