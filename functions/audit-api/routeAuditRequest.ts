import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AuditReads } from '../../lib/application/Application.js';
import { accessMatrix } from '../../lib/application/audit/accessMatrix.js';
import { appAccess } from '../../lib/application/audit/appAccess.js';
import { personAccessAsOf } from '../../lib/application/audit/personAccessAsOf.js';
import { personSummary } from '../../lib/application/audit/personSummary.js';
import { searchPersons } from '../../lib/application/audit/searchPersons.js';
import { verifyAll } from '../../lib/application/audit/verifyAll.js';
import { InvalidCursorError } from '../../lib/audit/InvalidCursorError.js';
import { decodePathSegments } from '../../lib/http/decodePathSegments.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import { matchRoute } from '../../lib/http/matchRoute.js';
import { exportEvents } from './exportEvents.js';
import { isoTime, pageQuery, readEventPage } from './readEventPage.js';

type Result = APIGatewayProxyStructuredResultV2;
export type AuditDependencies = AuditReads;

/**
 * Every audit endpoint, `GET /path` below /audit with `:name` for a path parameter. The router serves
 * exactly these (ENDPOINTS has one entry per route, which the compiler checks, and a path with extra
 * segments matches none), and the access-control tests sweep them, so an endpoint added here is
 * refused without an auditor or admin token before anyone writes a test.
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

type Params = Readonly<Record<'id' | 'app' | 'entitlement', string>>;
const asOf = (query: Record<string, string>): string | undefined => (query.asOf === undefined ? undefined : isoTime.parse(query.asOf));

/** Each endpoint: parse the query, call one read, respond. */
const ENDPOINTS: Readonly<Record<AuditRoute, (deps: AuditReads, p: Params, query: Record<string, string>) => Promise<Result>>> = {
  'GET /persons': async (deps, _p, query) => jsonResponse(200, { persons: await searchPersons(deps, query.query ?? '') }),
  'GET /persons/:id': async (deps, { id }) => jsonResponse(200, await personSummary(deps, id)),
  'GET /persons/:id/events': async (deps, { id }, query) => jsonResponse(200, await readEventPage(query, (f) => deps.audit.byPerson(id, f))),
  'GET /persons/:id/access': async (deps, { id }, query) => jsonResponse(200, await personAccessAsOf(deps, id, asOf(query) ?? new Date().toISOString())),
  'GET /apps': async (deps) => jsonResponse(200, { apps: deps.apps() }),
  'GET /apps/:app/events': async (deps, { app }, query) => jsonResponse(200, await readEventPage(query, (f) => deps.audit.byApp(app, f))),
  'GET /apps/:app/entitlements/:entitlement/events': async (deps, { app, entitlement }, query) =>
    jsonResponse(200, await readEventPage(query, (f) => deps.audit.byEntitlement(app, entitlement, f))),
  'GET /apps/:app/access': async (deps, { app }, query) => jsonResponse(200, await appAccess(deps, app, asOf(query))),
  'GET /events': async (deps, _p, query) => jsonResponse(200, await readEventPage(query, (f) => deps.audit.byTime(f), true)),
  'GET /matrix': async (deps) => jsonResponse(200, await accessMatrix(deps)),
  'GET /dead-letters': async (deps, _p, query) => {
    const { limit, cursor } = pageQuery.parse(query);
    return jsonResponse(200, await deps.steps.listDeadLetters(limit, cursor));
  },
  'GET /export': async (deps, _p, query) => exportEvents(deps.audit, query),
  'GET /verify': async (deps) => jsonResponse(200, await verifyAll(deps.audit, deps.checkpoints)),
  'GET /checkpoint': async (deps) => {
    const latest = await deps.checkpoints.latest();
    return jsonResponse(200, latest ? { createdAt: latest.createdAt, chains: latest.heads.length, hash: latest.hash, prevCheckpointHash: latest.prevCheckpointHash } : { checkpoint: null });
  },
};

const AUDIT_ROOT = '/audit';

/**
 * The auditor's read-only API: histories by person, app, entitlement and time; access as of any
 * time; the current access matrix; failures and dead letters; exports; chain verification. Every
 * list is served by an index and paginated with an opaque cursor.
 */
export async function routeAuditRequest(event: APIGatewayProxyEventV2, deps: AuditDependencies): Promise<Result> {
  if (event.requestContext.http.method.toUpperCase() !== 'GET') throw new HttpError(405, 'The audit API is read-only', { allow: 'GET' });
  const segments = decodePathSegments(event.rawPath.slice(event.rawPath.indexOf(AUDIT_ROOT) + AUDIT_ROOT.length));
  const matched = matchRoute(AUDIT_ROUTES, 'GET', segments);
  if (!matched) throw new HttpError(404, `No audit endpoint ${event.rawPath}`);
  const { id = '', app = '', entitlement = '' } = matched.params;
  try {
    return await ENDPOINTS[matched.route](deps, { id, app, entitlement }, Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')));
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new HttpError(400, error.message, {}, { cause: error });
    throw error;
  }
}
