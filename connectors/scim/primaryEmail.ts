import type { ScimUser } from './scimUserSchema.js';

/** The user's primary email (RFC 7643 §2.4: at most one `primary`), else the first one. */
export function primaryEmail(user: ScimUser): string | undefined {
  const emails = user.emails ?? [];
  return (emails.find((email) => email.primary === true) ?? emails[0])?.value;
}
