import * as z from 'zod';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { isGitHubLogin } from './isGitHubLogin.js';

/** PersonSnapshot fields that hold text, so any of them can carry a person's GitHub login. */
const LOGIN_ATTRIBUTES = [
  'userName',
  'email',
  'externalId',
  'employeeNumber',
  'displayName',
  'givenName',
  'familyName',
] as const satisfies readonly Exclude<keyof PersonSnapshot, 'active'>[];

/**
 * Settings of a GitHub connector instance. The credential (a GitHub App installation token or a
 * fine-grained token with "Members: read and write" on the organization) comes from the engine, not
 * from here.
 */
export const githubSettingsSchema = z
  .object({
    /** The organization's login, e.g. "acme". */
    org: z.string().refine(isGitHubLogin, 'must be a GitHub organization login'),
    /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
    apiBaseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://api.github.com')
      .transform((url) => url.replace(/\/+$/, '')),
    /** Which person attribute holds the GitHub login. */
    loginAttribute: z.enum(LOGIN_ATTRIBUTES).default('userName'),
    /**
     * Stripped from the end of that attribute, e.g. "@example.com" turns "alice@example.com" into
     * "alice". A value without the leading "@" means the same domain.
     */
    loginDomainSuffix: z
      .string()
      .regex(/^@?[^@\s]+$/, 'must be a domain such as "@example.com"')
      .transform((suffix) => (suffix.startsWith('@') ? suffix : `@${suffix}`))
      .optional(),
    /** `per_page` of the listing calls; GitHub allows at most 100. */
    pageSize: z.number().int().min(1).max(100).default(100),
  })
  .strict();

export type GitHubSettings = z.infer<typeof githubSettingsSchema>;
