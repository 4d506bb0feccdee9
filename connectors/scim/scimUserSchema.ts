import * as z from 'zod';
import { SCIM_URNS } from './scimUrns.js';

const multiValue = z.looseObject({
  value: z.string().optional(),
  type: z.string().optional(),
  primary: z.boolean().optional(),
  display: z.string().optional(),
});

/**
 * The parts of an RFC 7643 User the connector reads. Loose on purpose: every other attribute is kept
 * as sent (PUT writes the resource back), while a body without even an `id` is a vendor fault, not
 * a crash later on.
 */
export const scimUserSchema = z.looseObject({
  id: z.string().min(1),
  userName: z.string().optional(),
  externalId: z.string().optional(),
  displayName: z.string().optional(),
  title: z.string().optional(),
  active: z.boolean().optional(),
  name: z.looseObject({ givenName: z.string().optional(), familyName: z.string().optional() }).optional(),
  emails: z.array(multiValue).optional(),
  groups: z.array(multiValue).optional(),
  [SCIM_URNS.enterpriseUser]: z.looseObject({ department: z.string().optional() }).optional(),
});

export type ScimUser = z.infer<typeof scimUserSchema>;
