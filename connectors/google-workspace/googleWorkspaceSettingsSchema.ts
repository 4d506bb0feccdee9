import * as z from 'zod';

const baseUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

/**
 * Settings of a Google Workspace connector instance. Authentication (a service account with
 * domain-wide delegation, impersonating an admin) is the engine's job: the connector only asks the
 * context for an access token with the admin.directory.user, admin.directory.group.member and
 * admin.datatransfer scopes.
 */
export const googleWorkspaceSettingsSchema = z
  .object({
    /** The customer id users.list lists; "my_customer" is Google's alias for the admin's own account. */
    customer: z.string().min(1).default('my_customer'),
    directoryBaseUrl: baseUrl('https://admin.googleapis.com/admin/directory/v1'),
    dataTransferBaseUrl: baseUrl('https://admin.googleapis.com/admin/datatransfer/v1'),
    /**
     * Data Transfer application id of Drive and Docs. Application ids are Google's, the same for
     * every customer (developers.google.com/workspace/admin/data-transfer/v1/parameters: "Google
     * Docs and Google Drive (Application ID: 55656082996)"); the setting is there for the day that
     * changes.
     */
    driveApplicationId: z.string().regex(/^\d+$/, 'must be a numeric Data Transfer application id').default('55656082996'),
  })
  .strict();

export type GoogleWorkspaceSettings = z.infer<typeof googleWorkspaceSettingsSchema>;
