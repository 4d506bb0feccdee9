import * as z from 'zod';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { EventFilter, EventPage } from '../../lib/ports/AuditStore.js';

export const isoTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time')
  .transform((value) => new Date(value).toISOString());

export const pageQuery = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(4096).optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
    outcome: z.string().max(200).optional(),
    type: z.string().max(200).optional(),
  })
  .strict();

/**
 * One page of a history, from the query string (`from`, `to`, `limit`, `cursor`, `order`), optionally
 * narrowed by `outcome` and `type` (e.g. `outcome=failed,dead-lettered` for the failures view).
 */
export async function readEventPage(query: Record<string, string>, read: (filter: EventFilter) => Promise<EventPage>, narrow = false): Promise<EventPage> {
  const { from, to, limit, cursor, order, outcome, type } = pageQuery.parse(query);
  const result = await read({ limit, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor ? { cursor } : {}), descending: order === 'desc' });
  const keep = narrow ? filterOf(outcome, type) : undefined;
  return keep ? { ...result, events: result.events.filter(keep) } : result;
}

function filterOf(outcome: string | undefined, type: string | undefined): ((event: LedgerEvent) => boolean) | undefined {
  const outcomes = outcome?.split(',').filter(Boolean);
  const types = type?.split(',').filter(Boolean);
  if (!outcomes?.length && !types?.length) return undefined;
  return (event) =>
    (!outcomes?.length || outcomes.includes(event.outcome)) && (!types?.length || types.some((t) => event.type === t || event.type.startsWith(`${t}.`)));
}
