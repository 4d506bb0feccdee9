import * as z from 'zod';

/**
 * Settings of a Microsoft Entra ID connector instance. The credential (an app registration's
 * client-credentials token with User.ReadWrite.All, GroupMember.ReadWrite.All and, for session
 * revocation, User.RevokeSessions.All) comes from the engine, not from here.
 */
export const microsoftEntraSettingsSchema = z
  .object({
    /** Microsoft Graph's v1.0 endpoint; a national cloud has its own (graph.microsoft.us, ...). */
    graphBaseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://graph.microsoft.com/v1.0')
      .transform((url) => url.replace(/\/+$/, '')),
    /** Which person attribute is the user's userPrincipalName (and so how people are matched). */
    userPrincipalNameAttribute: z.enum(['userName', 'email']).default('userName'),
  })
  .strict();

export type MicrosoftEntraSettings = z.infer<typeof microsoftEntraSettingsSchema>;
