import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { decodePathSegments } from '../../lib/http/decodePathSegments.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import { matchRoute } from '../../lib/http/matchRoute.js';
import { readJsonBody } from '../../lib/http/readJsonBody.js';
import type { LedgerEventDraft } from '../../lib/domain/LedgerEvent.js';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { isAccountLister } from '../../lib/connector-sdk/Connector.js';
import { RotationError } from '../../lib/connector-sdk/RotationError.js';
import { AuditError } from '../../lib/audit/AuditError.js';
import { sealLedger } from '../../lib/audit/sealLedger.js';
import { toPersonSnapshot } from '../../lib/directory/toPersonSnapshot.js';
import type { Engine } from '../../lib/wiring/buildEngine.js';

type Result = APIGatewayProxyStructuredResultV2;

/**
 * Every admin endpoint, `METHOD /path` below /admin with `:id` for a path parameter. The router
 * serves exactly these (its switch is exhaustive over them), and the access-control tests sweep
 * them, so an endpoint added here is refused without an admin token before anyone writes a test.
 */
export const ADMIN_ROUTES = [
  'POST /plan',
  'GET /connectors',
  'POST /connectors/:id/suspend',
  'POST /connectors/:id/resume',
  'POST /connectors/:id/rotate',
  'POST /persons/:id/lockout',
  'DELETE /persons/:id/lockout',
  'POST /checkpoint',
  'POST /reconcile',
  'GET /dead-letters',
  'POST /dead-letters/:id/replay',
] as const;
export type AdminRoute = (typeof ADMIN_ROUTES)[number];

const ADMIN_ROOT = '/admin';
const MAX_ROSTER = 10_000;

const personInput = z
  .object({
    id: z.string().min(1).max(256).optional(),
    userName: z.string().min(1).max(256),
    email: z.string().max(256).optional(),
    displayName: z.string().max(256).optional(),
    department: z.string().max(256).optional(),
    title: z.string().max(256).optional(),
    location: z.string().max(256).optional(),
    employmentType: z.string().max(256).optional(),
    manager: z.string().max(256).optional(),
    groups: z.array(z.string().max(256)).max(1000).default([]),
    active: z.boolean().default(true),
  })
  .strict();
type PersonInput = z.infer<typeof personInput>;

const reconcileRequest = z.object({ app: z.string().min(1).optional(), fix: z.boolean().default(false) }).strict();

const planRequests = {
  personId: z.object({ personId: z.string().min(1) }).strict(),
  person: z.object({ person: personInput }).strict(),
  roster: z.object({ roster: z.array(personInput).min(1).max(MAX_ROSTER) }).strict(),
};
type PlanRequest = z.infer<(typeof planRequests)[keyof typeof planRequests]>;

/** One of three shapes, chosen by key, so validation errors name the field that is wrong. */
function parsePlanRequest(body: unknown): PlanRequest {
  const kind = (['personId', 'person', 'roster'] as const).find((key) => body !== null && typeof body === 'object' && key in body);
  if (!kind) throw new HttpError(400, 'Send {"personId"}, {"person":{...}} or {"roster":[...]} (or a roster as text/csv)');
  return planRequests[kind].parse(body);
}

/**
 * The operator API: plan preview (dry run, for one person or a whole roster), the kill switch,
 * connector suspend/resume, and the dead-letter list with replay. Every action that changes
 * something is recorded in the ledger with the admin token's label as the actor.
 */
export async function routeAdminRequest(event: APIGatewayProxyEventV2, context: ApiContext, engine: Engine): Promise<Result> {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath.slice(event.rawPath.indexOf(ADMIN_ROOT) + ADMIN_ROOT.length);
  const segments = decodePathSegments(path);
  const actor = context.caller?.label ?? 'admin';
  const requestId = event.requestContext.requestId ?? randomUUID();
  const matched = matchRoute(ADMIN_ROUTES, method, segments);
  if (!matched) throw new HttpError(404, `No admin endpoint ${method} ${event.rawPath}`);

  switch (matched.route) {
    case 'POST /plan':
      return jsonResponse(200, await previewPlans(event, engine));
    case 'GET /connectors':
      return jsonResponse(200, { connectors: await listConnectors(engine) });
    case 'POST /connectors/:id/suspend':
    case 'POST /connectors/:id/resume': {
      const id = requireConnector(engine, segments[1] ?? '');
      const suspended = segments[2] === 'suspend';
      await engine.steps.setSuspended(id, suspended, actor, new Date().toISOString());
      // Workers in this process see it at once; others within the executor's one-second cache.
      engine.executor.invalidateSuspensions();
      await audit(engine, actor, requestId, `${method} ${event.rawPath}`, {
        chain: `connector#${id}`,
        type: suspended ? 'connector.suspended' : 'connector.resumed',
        app: id,
      });
      return jsonResponse(200, { id, suspended });
    }
    case 'POST /connectors/:id/rotate': {
      const id = requireConnector(engine, segments[1] ?? '');
      const secret = engine.connectors.get(id)?.config.credential?.secret;
      if (!secret) throw new HttpError(400, `Connector "${id}" has no credential to rotate`);
      const status = await engine.rotation.status(secret);
      if (!status.rotatable) {
        throw new HttpError(409, `The ${status.type ?? 'stored'} credential of "${id}" cannot be rotated by API; replace it with 'perimeter secrets put'`);
      }
      let result: Awaited<ReturnType<Engine['rotateSecret']>>;
      try {
        result = await engine.rotateSecret(secret, actor);
      } catch (error) {
        // The current credential keeps working; say why this rotation could not run.
        if (error instanceof RotationError) throw new HttpError(409, error.message);
        throw error;
      }
      if (result === 'requested') return jsonResponse(202, { id, rotation: 'requested' });
      return jsonResponse(200, { id, rotation: { versionId: result.versionId, resumed: result.resumed, steps: result.steps } });
    }
    case 'POST /persons/:id/lockout': {
      const person = await requirePerson(engine, segments[1] ?? '');
      const plan = await engine.planner.lockout(person, requestId);
      await audit(engine, actor, requestId, `${method} ${event.rawPath}`, {
        chain: `person#${person.id}`,
        type: 'admin.lockout',
        personId: person.id,
        detail: { steps: plan.steps.length, notes: plan.notes },
      });
      return jsonResponse(202, { personId: person.id, locked: true, plan });
    }
    case 'DELETE /persons/:id/lockout': {
      const person = await requirePerson(engine, segments[1] ?? '');
      await engine.planner.unlock(person.id);
      // Re-plan as if the person had just changed, so policy grants their access again.
      const plan = await engine.planner.planEvent({
        eventId: `unlock:${requestId}`,
        kind: 'mover',
        personId: person.id,
        occurredAt: new Date().toISOString(),
        source: { channel: 'admin', actor, requestId },
        before: person,
        after: person,
        changes: [],
      });
      await audit(engine, actor, requestId, `${method} ${event.rawPath}`, { chain: `person#${person.id}`, type: 'admin.unlock', personId: person.id });
      return jsonResponse(200, { personId: person.id, locked: false, plan });
    }
    case 'POST /checkpoint': {
      try {
        const checkpoint = await sealLedger(engine.ledgerStore, engine.checkpoints);
        return jsonResponse(201, { createdAt: checkpoint.createdAt, chains: checkpoint.heads.length, hash: checkpoint.hash });
      } catch (error) {
        if (error instanceof AuditError) throw new HttpError(409, error.message);
        throw error;
      }
    }
    case 'POST /reconcile': {
      const body = event.body ? reconcileRequest.parse(readJsonBody(event)) : { fix: false };
      const reports = body.app
        ? [await engine.reconciler.reconcile(requireListableConnector(engine, body.app), body.fix)]
        : await engine.reconciler.reconcileAll(body.fix);
      return jsonResponse(200, { reports });
    }
    case 'GET /dead-letters': {
      const query = new URLSearchParams(event.rawQueryString ?? '');
      const limit = z.coerce.number().int().min(1).max(500).default(100).parse(query.get('limit') ?? undefined);
      const cursor = query.get('cursor') ?? undefined;
      return jsonResponse(200, await engine.steps.listDeadLetters(limit, cursor));
    }
    case 'POST /dead-letters/:id/replay': {
      const letter = await engine.steps.getDeadLetter(segments[1] ?? '');
      if (!letter) throw new HttpError(404, `No dead letter for step ${segments[1]}`);
      await engine.steps.releaseDeadLetter(letter.step.stepId);
      await engine.queue.send([letter.step]);
      await audit(engine, actor, requestId, `${method} ${event.rawPath}`, {
        chain: `person#${letter.step.personId}`,
        type: 'admin.replay',
        personId: letter.step.personId,
        app: letter.step.app,
        detail: { stepId: letter.step.stepId, action: letter.step.action },
      });
      return jsonResponse(202, { stepId: letter.step.stepId, replayed: true });
    }
    default: {
      // Unreachable: the compiler checks that every listed route has its case above.
      const unrouted: never = matched.route;
      throw new Error(`Admin route ${String(unrouted)} has no handler`);
    }
  }
}

async function previewPlans(event: APIGatewayProxyEventV2, engine: Engine): Promise<unknown> {
  const contentType = event.headers?.['content-type'] ?? '';
  const request = /^text\/csv/i.test(contentType) ? { roster: readRosterCsv(event) } : parsePlanRequest(readJsonBody(event));
  if ('personId' in request) {
    const person = await requirePerson(engine, request.personId);
    return { dryRun: true, plans: [await engine.planner.preview(person)] };
  }
  const people = 'person' in request ? [request.person] : request.roster;
  const plans = [];
  for (const input of people) {
    plans.push(await engine.planner.preview(toSnapshot(input), { groups: input.groups }));
  }
  return { dryRun: true, plans };
}

/** A roster export: one row per person, headers as in personInput, groups separated by ";". */
function readRosterCsv(event: APIGatewayProxyEventV2): PersonInput[] {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new HttpError(400, `Roster CSV is malformed: ${(error as Error).message}`);
  }
  if (rows.length === 0 || rows.length > MAX_ROSTER) throw new HttpError(400, `Roster must have 1 to ${MAX_ROSTER} rows`);
  return rows.map((row, index) => {
    const candidate = Object.fromEntries(
      Object.entries(row)
        .filter(([, value]) => value !== '')
        .map(([key, value]) => {
          if (key === 'groups') return [key, value.split(';').map((g) => g.trim()).filter(Boolean)];
          if (key === 'active') return [key, !/^(false|no|0|inactive|terminated)$/i.test(value)];
          return [key, value];
        }),
    );
    const parsed = personInput.safeParse(candidate);
    if (!parsed.success) {
      throw new HttpError(400, `Roster row ${index + 2}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}`).join('; ')}`);
    }
    return parsed.data;
  });
}

function toSnapshot(input: PersonInput): PersonSnapshot {
  const snapshot: Record<string, unknown> = {
    id: input.id ?? `preview:${input.userName}`,
    userName: input.userName,
    active: input.active,
    email: input.email,
    displayName: input.displayName,
    department: input.department,
    title: input.title,
    location: input.location,
    userType: input.employmentType,
    manager: input.manager,
  };
  for (const key of Object.keys(snapshot)) if (snapshot[key] === undefined) delete snapshot[key];
  return snapshot as unknown as PersonSnapshot;
}

async function listConnectors(engine: Engine): Promise<unknown[]> {
  const suspended = new Set(await engine.steps.listSuspended());
  return Promise.all(
    engine.connectors.ids().map(async (id) => {
      const runtime = engine.connectors.get(id);
      const secret = runtime?.config.credential?.secret;
      return {
        id,
        type: runtime?.config.type,
        capabilities: runtime?.capabilities,
        suspended: suspended.has(id),
        ...(secret ? { credential: await engine.rotation.status(secret) } : {}),
        ...(runtime?.config.rotation ? { rotation: runtime.config.rotation } : {}),
      };
    }),
  );
}

function requireListableConnector(engine: Engine, id: string): string {
  requireConnector(engine, id);
  const connector = engine.connectors.get(id)?.connector;
  if (!connector || !isAccountLister(connector)) {
    throw new HttpError(400, `Connector "${id}" cannot list accounts, so it cannot be reconciled`);
  }
  return id;
}

function requireConnector(engine: Engine, id: string): string {
  if (!engine.connectors.get(id)) throw new HttpError(404, `No connector "${id}" is configured`);
  return id;
}

async function requirePerson(engine: Engine, id: string): Promise<PersonSnapshot> {
  const user = await engine.directoryStore.getUser(id);
  if (!user) throw new HttpError(404, `No person ${id}`);
  return toPersonSnapshot(user);
}

async function audit(
  engine: Engine,
  actor: string,
  requestId: string,
  operation: string,
  event: Pick<LedgerEventDraft, 'chain' | 'type'> & Partial<LedgerEventDraft>,
): Promise<void> {
  await engine.ledger.append({
    eventId: `${event.type}:${requestId}`,
    occurredAt: new Date().toISOString(),
    source: { channel: 'admin', actor, requestId, operation },
    outcome: 'recorded',
    ...event,
  });
}
