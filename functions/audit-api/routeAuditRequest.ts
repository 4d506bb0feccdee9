import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
import { reconstructAccess } from '../../lib/audit/reconstructAccess.js';
import { decodePathSegments } from '../../lib/http/decodePathSegments.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import { matchRoute } from '../../lib/http/matchRoute.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { EventFilter, EventPage } from '../../lib/ports/AuditStore.js';
import { accessMatrix } from '../../lib/application/audit/accessMatrix.js';
import { appAccess } from '../../lib/application/audit/appAccess.js';
import { personSummary } from '../../lib/application/audit/personSummary.js';
import { replayHistory } from '../../lib/application/audit/replayHistory.js';
import { searchPersons } from '../../lib/application/audit/searchPersons.js';
import type { AuditReads } from '../../lib/application/Application.js';
import { exportEvents } from './exportEvents.js';
import { verifyAll } from '../../lib/application/audit/verifyAll.js';

type Result = APIGatewayProxyStructuredResultV2;

export type AuditDependencies = AuditReads;

/**
 * Every audit endpoint, `GET /path` below /audit with `:name` for a path parameter. The router serves
 * exactly these (its switch is exhaustive over them, and a path with extra segments matches none),
 * and the access-control tests sweep them, so an endpoint added here is refused without an auditor
 * or admin token before anyone writes a test.
 */
export const AUDIT_ROUTES = [
  'GET /persons',
  'GET /persons/:id',
  'GET /persons/:id/events',
  'GET /persons/:id/access',
  'GET /apps',
  'GET /apps/:app/events',
  'GET /apps/:app/entitlements/:entitlement/events',
  'GET /apps/:app/access',
  'GET /events',
  'GET /matrix',
  'GET /dead-letters',
  'GET /export',
  'GET /verify',
  'GET /checkpoint',
] as const;
export type AuditRoute = (typeof AUDIT_ROUTES)[number];

const AUDIT_ROOT = '/audit';

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time').transform((value) => new Date(value).toISOString());
const pageQuery = z
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
 * The auditor's read-only API: histories by person, app, entitlement and time; access as of any
 * time; the current access matrix; failures and dead letters; exports; chain verification. Every
 * list is served by an index and paginated with an opaque cursor.
 */
export async function routeAuditRequest(event: APIGatewayProxyEventV2, deps: AuditDependencies): Promise<Result> {
  if (event.requestContext.http.method.toUpperCase() !== 'GET') throw new HttpError(405, 'The audit API is read-only', { allow: 'GET' });
  const path = event.rawPath.slice(event.rawPath.indexOf(AUDIT_ROOT) + AUDIT_ROOT.length);
  const segments = decodePathSegments(path);
  const query = Object.fromEntries(new URLSearchParams(event.rawQueryString ?? ''));
  const { audit } = deps;
  const matched = matchRoute(AUDIT_ROUTES, 'GET', segments);
  if (!matched) throw new HttpError(404, `No audit endpoint ${event.rawPath}`);
  const { id = '', app = '', entitlement = '' } = matched.params;
  try {
    switch (matched.route) {
      case 'GET /persons':
        return jsonResponse(200, { persons: await searchPersons(deps, query.query ?? '') });
      case 'GET /persons/:id':
        return jsonResponse(200, await personSummary(deps, id));
      case 'GET /persons/:id/events':
        return jsonResponse(200, await page(query, (f) => audit.byPerson(id, f)));
      case 'GET /persons/:id/access': {
        const asOf = asOfTime(query.asOf);
        const events = await replayHistory((f) => audit.byPerson(id, f), asOf);
        return jsonResponse(200, { personId: id, asOf, apps: [...reconstructAccess(events).values()] });
      }
      case 'GET /apps':
        return jsonResponse(200, { apps: deps.apps() });
      case 'GET /apps/:app/events':
        return jsonResponse(200, await page(query, (f) => audit.byApp(app, f)));
      case 'GET /apps/:app/entitlements/:entitlement/events':
        return jsonResponse(200, await page(query, (f) => audit.byEntitlement(app, entitlement, f)));
      case 'GET /apps/:app/access':
        return jsonResponse(200, await appAccess(deps, app, query.asOf === undefined ? undefined : asOfTime(query.asOf)));
      case 'GET /events':
        return jsonResponse(200, await page(query, (f) => audit.byTime(f), filterOf(query)));
      case 'GET /matrix':
        return jsonResponse(200, await accessMatrix(deps));
      case 'GET /dead-letters': {
        const { limit, cursor } = pageQuery.parse(query);
        return jsonResponse(200, await deps.steps.listDeadLetters(limit, cursor));
      }
      case 'GET /export':
        return exportEvents(audit, query);
      case 'GET /verify':
        return jsonResponse(200, await verifyAll(audit, deps.checkpoints));
      case 'GET /checkpoint': {
        const latest = await deps.checkpoints.latest();
        return jsonResponse(200, latest ? { createdAt: latest.createdAt, chains: latest.heads.length, hash: latest.hash, prevCheckpointHash: latest.prevCheckpointHash } : { checkpoint: null });
      }
      default: {
        // Unreachable: the compiler checks that every listed route has its case above.
        const unrouted: never = matched.route;
        throw new Error(`Audit route ${String(unrouted)} has no handler`);
      }
    }
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new HttpError(400, error.message);
    throw error;
  }
}

async function page(query: Record<string, string>, read: (filter: EventFilter) => Promise<EventPage>, keep?: (event: LedgerEvent) => boolean): Promise<EventPage> {
  const { from, to, limit, cursor, order } = pageQuery.parse(query);
  const result = await read({ limit, ...(from ? { from } : {}), ...(to ? { to } : {}), ...(cursor ? { cursor } : {}), descending: order === 'desc' });
  return keep ? { ...result, events: result.events.filter(keep) } : result;
}

/** Optional narrowing of time-range listings, e.g. `outcome=failed,dead-lettered` for the failures view. */
function filterOf(query: Record<string, string>): ((event: LedgerEvent) => boolean) | undefined {
  const outcomes = query.outcome?.split(',').filter(Boolean);
  const types = query.type?.split(',').filter(Boolean);
  if (!outcomes?.length && !types?.length) return undefined;
  return (event) =>
    (!outcomes?.length || outcomes.includes(event.outcome)) && (!types?.length || types.some((type) => event.type === type || event.type.startsWith(`${type}.`)));
}

function asOfTime(value: string | undefined): string {
  return value === undefined ? new Date().toISOString() : isoTime.parse(value);
}





