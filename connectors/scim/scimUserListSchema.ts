import * as z from 'zod';
import { scimUserSchema } from './scimUserSchema.js';

/** A ListResponse of Users (RFC 7644 §3.4.2). */
export const scimUserListSchema = z.looseObject({
  totalResults: z.number().int().min(0),
  startIndex: z.number().int().optional(),
  itemsPerPage: z.number().int().optional(),
  // "Resources" is required only when totalResults is not zero.
  Resources: z.array(scimUserSchema).optional(),
});

export type ScimUserList = z.infer<typeof scimUserListSchema>;
