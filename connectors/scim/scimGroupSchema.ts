import * as z from 'zod';

/** The parts of an RFC 7643 Group the connector reads: its members, for membership checks. */
export const scimGroupSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().optional(),
  members: z.array(z.looseObject({ value: z.string() })).optional(),
});

export type ScimGroup = z.infer<typeof scimGroupSchema>;
