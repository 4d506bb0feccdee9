import * as z from 'zod';

const baseUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .default(fallback)
    .transform((url) => url.replace(/\/+$/, ''));

/**
 * Settings of a Slack connector instance. The credential is an org admin's user token (xoxp-) with
 * the `admin` scope for SCIM (docs.slack.dev/admins/scim-api) and `admin.users:write` for
 * admin.users.session.reset; it comes from the engine, not from here.
 */
export const slackSettingsSchema = z
  .object({
    /** Slack's SCIM 2.0 base (docs.slack.dev/reference/scim-api). */
    scimBaseUrl: baseUrl('https://api.slack.com/scim/v2'),
    /** Slack's Web API base, where methods such as admin.users.session.reset live. */
    webApiBaseUrl: baseUrl('https://slack.com/api'),
  })
  .strict();

export type SlackSettings = z.infer<typeof slackSettingsSchema>;
