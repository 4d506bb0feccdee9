import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { toCsv } from '../../lib/audit/toCsv.js';
import { toJsonLines } from '../../lib/audit/toJsonLines.js';
import { toOcsf } from '../../lib/audit/toOcsf.js';
import { HttpError } from '../../lib/http/HttpError.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { AuditStore, EventFilter, EventPage } from '../../lib/ports/AuditStore.js';

/** One response carries at most this many events (API Gateway's 10 MB and Lambda's 6 MB limits). */
const MAX_EXPORT = 20_000;

const exportQuery = z
  .object({
    format: z.enum(['jsonl', 'csv', 'ocsf']),
    person: z.string().min(1).max(256).optional(),
    app: z.string().min(1).max(256).optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    cursor: z.string().max(4096).optional(),
  })
  .strict()
  .refine((q) => !(q.person && q.app), 'export one person or one app, not both')
  .refine((q) => [q.from, q.to].every((t) => t === undefined || !Number.isNaN(Date.parse(t))), 'from and to must be ISO 8601 times');

const FORMATS = {
  jsonl: { type: 'application/x-ndjson', extension: 'jsonl', render: toJsonLines },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv', render: toCsv },
  ocsf: { type: 'application/x-ndjson', extension: 'ocsf.jsonl', render: toOcsf },
} as const;

/**
 * GET /audit/export: a person's, an app's or a time range's events as JSON Lines (canonical,
 * re-hashable), CSV (RFC 4180, formula-injection safe) or OCSF. Larger sets continue with the
 * `x-next-cursor` response header.
 */
export async function exportEvents(audit: AuditStore, query: Record<string, string>): Promise<APIGatewayProxyStructuredResultV2> {
  const parsed = exportQuery.safeParse(query);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  const { format, person, app, from, to } = parsed.data;
  const read = (filter: EventFilter): Promise<EventPage> =>
    person ? audit.byPerson(person, filter) : app ? audit.byApp(app, filter) : audit.byTime(filter);
  const events: LedgerEvent[] = [];
  let cursor = parsed.data.cursor;
  do {
    const page = await read({
      limit: Math.min(1000, MAX_EXPORT - events.length),
      ...(from ? { from: new Date(from).toISOString() } : {}),
      ...(to ? { to: new Date(to).toISOString() } : {}),
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor && events.length < MAX_EXPORT);
  const { type, extension, render } = FORMATS[format];
  let body = '';
  for await (const chunk of render(events)) body += chunk;
  const subject = person ? `person-${person}` : app ? `app-${app}` : 'events';
  return {
    statusCode: 200,
    headers: {
      'content-type': type,
      'content-disposition': `attachment; filename="perimeter-${subject.replace(/[^\w.-]/g, '_')}.${extension}"`,
      'cache-control': 'no-store',
      ...(cursor ? { 'x-next-cursor': cursor } : {}),
    },
    body,
  };
}
