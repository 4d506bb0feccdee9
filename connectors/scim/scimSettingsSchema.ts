import * as z from 'zod';

/**
 * Settings of a generic SCIM 2.0 connector instance (RFC 7644, outbound: Perimeter is the client).
 * The bearer token comes from the engine, not from here.
 */
export const scimSettingsSchema = z
  .object({
    /** The SCIM base URL, the one that /Users and /Groups hang off, e.g. https://api.example.com/scim/v2. */
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, '')),
    /**
     * Which person attribute becomes the SCIM `userName` and is matched with `userName eq "..."`.
     * Many apps require the email address there.
     */
    userNameAttribute: z.enum(['userName', 'email']).default('userName'),
    /**
     * How profile changes are written. PATCH (RFC 7644 §3.5.2) touches only the attributes
     * Perimeter manages; PUT (§3.5.1) is for apps without PATCH on Users, and sends the whole
     * resource as read, with those attributes changed.
     */
    updateMethod: z.enum(['patch', 'put']).default('patch'),
    /** `count` asked for on each listing page; the app may return fewer. */
    pageSize: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export type ScimSettings = z.infer<typeof scimSettingsSchema>;
