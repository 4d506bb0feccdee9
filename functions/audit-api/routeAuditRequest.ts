import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
import { reconstructAccess } from '../../lib/audit/reconstructAccess.js';
import { decodePathSegments } from '../../lib/http/decodePathSegments.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import { matchRoute } from '../../lib/http/matchRoute.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { AuditStore, EventFilter, EventPage } from '../../lib/ports/AuditStore.js';
import { toPersonSnapshot } from '../../lib/directory/toPersonSnapshot.js';
import type { Engine } from '../../lib/wiring/buildEngine.js';
import { exportEvents } from './exportEvents.js';
import { verifyAll } from './verifyAll.js';

type Result = APIGatewayProxyStructuredResultV2;

export interface AuditDependencies {
  readonly engine: Engine;
  readonly audit: AuditStore;
}

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
/** Replaying a history for an "as of" answer reads at most this many events. */
const MAX_REPLAY = 100_000;

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
  const { engine, audit } = deps;
  const matched = matchRoute(AUDIT_ROUTES, 'GET', segments);
  if (!matched) throw new HttpError(404, `No audit endpoint ${event.rawPath}`);
  const { id = '', app = '', entitlement = '' } = matched.params;
  try {
    switch (matched.route) {
      case 'GET /persons':
        return jsonResponse(200, { persons: await searchPersons(engine, query.query ?? '') });
      case 'GET /persons/:id':
        return jsonResponse(200, await personSummary(engine, id));
      case 'GET /persons/:id/events':
        return jsonResponse(200, await page(query, (f) => audit.byPerson(id, f)));
      case 'GET /persons/:id/access': {
        const asOf = asOfTime(query.asOf);
        const events = await replay((f) => audit.byPerson(id, f), asOf);
        return jsonResponse(200, { personId: id, asOf, apps: [...reconstructAccess(events).values()] });
      }
      case 'GET /apps':
        return jsonResponse(200, { apps: engine.connectors.ids() });
      case 'GET /apps/:app/events':
        return jsonResponse(200, await page(query, (f) => audit.byApp(app, f)));
      case 'GET /apps/:app/entitlements/:entitlement/events':
        return jsonResponse(200, await page(query, (f) => audit.byEntitlement(app, entitlement, f)));
      case 'GET /apps/:app/access':
        return jsonResponse(200, await appAccess(engine, audit, app, query.asOf));
      case 'GET /events':
        return jsonResponse(200, await page(query, (f) => audit.byTime(f), filterOf(query)));
      case 'GET /matrix':
        return jsonResponse(200, await matrix(engine));
      case 'GET /dead-letters': {
        const { limit, cursor } = pageQuery.parse(query);
        return jsonResponse(200, await engine.steps.listDeadLetters(limit, cursor));
      }
      case 'GET /export':
        return exportEvents(audit, query);
      case 'GET /verify':
        return jsonResponse(200, await verifyAll(audit, engine.checkpoints));
      case 'GET /checkpoint': {
        const latest = await engine.checkpoints.latest();
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

/** Every event of a history up to `asOf`, in record order, for replay. */
async function replay(read: (filter: EventFilter) => Promise<EventPage>, asOf: string): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let cursor: string | undefined;
  do {
    const result = await read({ to: asOf, limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...result.events);
    cursor = result.nextCursor;
    if (events.length > MAX_REPLAY) throw new HttpError(413, `More than ${MAX_REPLAY} events to replay; narrow the question`);
  } while (cursor);
  return events;
}

async function appAccess(engine: Engine, audit: AuditStore, app: string, asOfValue: string | undefined): Promise<unknown> {
  if (asOfValue === undefined) {
    const people = await engine.access.listActualByApp(app);
    return { app, asOf: new Date().toISOString(), people: people.map(({ personId, status, entitlements, accountId }) => ({ personId, status, entitlements, accountId })) };
  }
  const asOf = asOfTime(asOfValue);
  const byPerson = new Map<string, LedgerEvent[]>();
  for (const event of await replay((f) => audit.byApp(app, f), asOf)) {
    if (!event.personId) continue;
    byPerson.set(event.personId, [...(byPerson.get(event.personId) ?? []), event]);
  }
  const people = [...byPerson].map(([personId, events]) => ({ personId, ...reconstructAccess(events).get(app) })).filter((p) => p.status !== undefined);
  return { app, asOf, people };
}

async function searchPersons(engine: Engine, text: string): Promise<unknown[]> {
  const needle = text.trim().toLowerCase();
  const users = await engine.directoryStore.listUsers();
  return users
    .map(toPersonSnapshot)
    .filter((p) => !needle || [p.userName, p.displayName, p.email, p.id].some((v) => v?.toLowerCase().includes(needle)))
    .slice(0, 50)
    .map((p) => ({ id: p.id, userName: p.userName, displayName: p.displayName, active: p.active, department: p.department }));
}

async function personSummary(engine: Engine, id: string): Promise<unknown> {
  const user = await engine.directoryStore.getUser(id);
  const [actual, planned] = await Promise.all([engine.access.listActual(id), engine.access.getPlanned(id)]);
  if (!user && actual.length === 0) throw new HttpError(404, `No person ${id}`);
  return { person: user ? toPersonSnapshot(user) : { id, deleted: true }, access: actual, locked: planned?.locked ?? false };
}

async function matrix(engine: Engine): Promise<unknown> {
  const apps = engine.connectors.ids();
  const rows = new Map<string, Record<string, { status: string; entitlements: readonly string[] }>>();
  for (const app of apps) {
    for (const access of await engine.access.listActualByApp(app)) {
      const row = rows.get(access.personId) ?? {};
      row[app] = { status: access.status, entitlements: access.entitlements };
      rows.set(access.personId, row);
    }
  }
  const people = await engine.directoryStore.getUsers([...rows.keys()]);
  const names = new Map(people.map((user) => [user.id, user.userName]));
  return { apps, people: [...rows].map(([personId, access]) => ({ personId, userName: names.get(personId), access })) };
}
