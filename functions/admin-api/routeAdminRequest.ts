import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import type { AdminOperations } from '../../lib/application/admin/AdminOperations.js';
import type { AdminRequest } from '../../lib/application/AdminRequest.js';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { decodePathSegments } from '../../lib/http/decodePathSegments.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import { matchRoute } from '../../lib/http/matchRoute.js';
import { readJsonBody } from '../../lib/http/readJsonBody.js';
import { parsePlanPreview } from './parsePlanPreview.js';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * Every admin endpoint, `METHOD /path` below /admin with `:id` for a path parameter. The router
 * serves exactly these (ENDPOINTS must have one entry per route, which the compiler checks), and the
 * access-control tests sweep them, so an endpoint added here is refused without an admin token
 * before anyone writes a test.
 */
export const ADMIN_ROUTES = [
  'POST /plan',
  'GET /connectors',
  'POST /connectors/:id/suspend',
  'POST /connectors/:id/resume',
  'POST /connectors/:id/rotate',
  'POST /connectors/:id/import',
  'GET /connectors/:id/import',
  'POST /connectors/:id/import/approve',
  'POST /connectors/:id/links',
  'POST /persons/:id/lockout',
  'DELETE /persons/:id/lockout',
  'POST /persons/:id/apply',
  'POST /checkpoint',
  'POST /reconcile',
  'POST /converge',
  'GET /dead-letters',
  'POST /dead-letters/:id/replay',
  'GET /scheduled',
  'DELETE /scheduled/:id',
  'GET /jobs/:id',
  'GET /jobs/:id/parts/:part',
] as const;
export type AdminRoute = (typeof ADMIN_ROUTES)[number];

interface Call {
  readonly event: APIGatewayProxyEventV2;
  readonly id: string;
  readonly part: string;
  readonly request: AdminRequest;
}

const reconcileRequest = z.object({ app: z.string().min(1).optional(), fix: z.boolean().default(false) }).strict();
/** Without `dryRun: false` nothing is written: a run over the whole directory is previewed before it is applied. */
const convergeRequest = z.object({ dryRun: z.boolean().default(true), app: z.string().min(1).optional() }).strict();
/** One person's plan, applied now; `app` narrows it to one connector. */
const applyRequest = z.object({ app: z.string().min(1).optional() }).strict();
/** The operator names the report they read: a newer one is never approved by accident. */
const approveImportRequest = z.object({ reportId: z.string().min(1).max(100) }).strict();
/** One account linked or unlinked by hand; the reason is kept in the ledger. */
const reason = z.string().trim().min(1).max(500);
const accountId = z.string().min(1).max(1024);
const linkRequest = z.discriminatedUnion('action', [
  z.object({ action: z.literal('link'), accountId, personId: z.string().min(1).max(256), reason }).strict(),
  z.object({ action: z.literal('unlink'), accountId, reason }).strict(),
]);
/** Why an operator calls off a pending job: kept in the ledger, so required and bounded. */
const cancelScheduledRequest = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const scheduledPage = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().min(1).max(2048).optional() }).strict();
const deadLetterLimit = z.coerce.number().int().min(1).max(500).default(100);

/** Each endpoint: parse, call one use case, respond. */
const ENDPOINTS: Readonly<Record<AdminRoute, (ops: AdminOperations, call: Call) => Promise<Result>>> = {
  'POST /plan': async (ops, { event, request }) => {
    const outcome = await ops.previewPlans(parsePlanPreview(event), request);
    if (outcome.finished) return jsonResponse(200, { dryRun: outcome.dryRun, plans: outcome.plans });
    return jsonResponse(202, { job: outcome.job }, jobLocation(event, outcome.job.id));
  },
  'GET /connectors': async (ops) => jsonResponse(200, await ops.listConnectors()),
  'POST /connectors/:id/suspend': async (ops, { id, request }) => jsonResponse(200, await ops.setConnectorSuspended({ id, suspended: true }, request)),
  'POST /connectors/:id/resume': async (ops, { id, request }) => jsonResponse(200, await ops.setConnectorSuspended({ id, suspended: false }, request)),
  'POST /connectors/:id/rotate': async (ops, { id, request }) => {
    const result = await ops.rotateConnectorCredential(id, request);
    return jsonResponse(result.rotation === 'requested' ? 202 : 200, result);
  },
  'POST /connectors/:id/import': async (ops, { event, id, request }) => {
    const outcome = await ops.importAccounts(id, request);
    const location = jobLocation(event, outcome.job.id);
    return outcome.finished ? jsonResponse(200, outcome.report, location) : jsonResponse(202, { job: outcome.job }, location);
  },
  'GET /connectors/:id/import': async (ops, { id }) => jsonResponse(200, await ops.getAccountImport(id)),
  'POST /connectors/:id/import/approve': async (ops, { event, id, request }) => {
    const { reportId } = approveImportRequest.parse(readJsonBody(event));
    const outcome = await ops.approveAccountImport({ app: id, reportId }, request);
    if (!outcome.finished) return jsonResponse(202, { job: outcome.job }, jobLocation(event, outcome.job.id));
    const { finished: _finished, job, ...approved } = outcome;
    return jsonResponse(200, approved, job ? jobLocation(event, job.id) : {});
  },
  'POST /connectors/:id/links': async (ops, { event, id, request }) => jsonResponse(200, await ops.setAccountLink({ ...linkRequest.parse(readJsonBody(event)), app: id }, request)),
  'POST /persons/:id/lockout': async (ops, { id, request }) => jsonResponse(202, await ops.lockOutPerson(id, request)),
  'DELETE /persons/:id/lockout': async (ops, { id, request }) => jsonResponse(200, await ops.unlockPerson(id, request)),
  'POST /persons/:id/apply': async (ops, { event, id, request }) => {
    const { app } = applyRequest.parse(event.body ? readJsonBody(event) : {});
    return jsonResponse(200, await ops.applyPersonPlan({ personId: id, ...(app !== undefined ? { app } : {}) }, request));
  },
  'POST /checkpoint': async (ops) => jsonResponse(201, await ops.sealLedger()),
  'POST /reconcile': async (ops, { event, request }) => {
    const outcome = await ops.reconcile(event.body ? reconcileRequest.parse(readJsonBody(event)) : { fix: false }, request);
    const location = jobLocation(event, outcome.job.id);
    return outcome.finished ? jsonResponse(200, { reports: outcome.reports }, location) : jsonResponse(202, { job: outcome.job }, location);
  },
  'POST /converge': async (ops, { event, request }) => {
    const outcome = await ops.converge(convergeRequest.parse(event.body ? readJsonBody(event) : {}), request);
    const location = jobLocation(event, outcome.job.id);
    return outcome.finished ? jsonResponse(200, outcome.result, location) : jsonResponse(202, { job: outcome.job }, location);
  },
  'GET /scheduled': async (ops, { event }) => {
    const { limit, cursor } = scheduledPage.parse(Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')));
    return jsonResponse(200, await ops.listScheduledJobs({ limit, ...(cursor !== undefined ? { cursor } : {}) }));
  },
  'DELETE /scheduled/:id': async (ops, { event, id, request }) => {
    const { reason } = cancelScheduledRequest.parse(readJsonBody(event));
    return jsonResponse(200, await ops.cancelScheduledJob({ jobId: id, reason }, request));
  },
  'GET /jobs/:id': async (ops, { id }) => jsonResponse(200, await ops.getJob(id)),
  'GET /jobs/:id/parts/:part': async (ops, { id, part }) => jsonResponse(200, await ops.getJobPart(id, part)),
  'GET /dead-letters': async (ops, { event }) => {
    const query = new URLSearchParams(event.rawQueryString ?? '');
    return jsonResponse(200, await ops.listDeadLetters(deadLetterLimit.parse(query.get('limit') ?? undefined), query.get('cursor') ?? undefined));
  },
  'POST /dead-letters/:id/replay': async (ops, { id, request }) => jsonResponse(202, await ops.replayDeadLetter(id, request)),
};

const ADMIN_ROOT = '/admin';
/** Where this deployment serves a job (behind a stage prefix in AWS). */
const jobLocation = (event: APIGatewayProxyEventV2, jobId: string): { location: string } => ({
  location: `${event.rawPath.slice(0, event.rawPath.indexOf(ADMIN_ROOT) + ADMIN_ROOT.length)}/jobs/${jobId}`,
});

/** The operator API. Every action that changes something is recorded in the ledger with the admin token's label as the actor. */
export async function routeAdminRequest(event: APIGatewayProxyEventV2, context: ApiContext, operations: AdminOperations): Promise<Result> {
  const method = event.requestContext.http.method.toUpperCase();
  const segments = decodePathSegments(event.rawPath.slice(event.rawPath.indexOf(ADMIN_ROOT) + ADMIN_ROOT.length));
  const matched = matchRoute(ADMIN_ROUTES, method, segments);
  if (!matched) throw new HttpError(404, `No admin endpoint ${method} ${event.rawPath}`);
  const request: AdminRequest = {
    actor: context.caller?.label ?? 'admin',
    requestId: event.requestContext.requestId ?? randomUUID(),
    operation: `${method} ${event.rawPath}`,
  };
  return ENDPOINTS[matched.route](operations, { event, id: matched.params.id ?? '', part: matched.params.part ?? '', request });
}
