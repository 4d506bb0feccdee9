import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import type { PlanPreviewRequest, PreviewPerson } from '../../lib/application/admin/previewPlans.js';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { readJsonBody } from '../../lib/http/readJsonBody.js';

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

const planRequests = {
  personId: z.object({ personId: z.string().min(1) }).strict(),
  person: z.object({ person: personInput }).strict(),
  roster: z.object({ roster: z.array(personInput).min(1).max(MAX_ROSTER) }).strict(),
};

/**
 * `POST /admin/plan`: {"personId"}, {"person":{...}}, {"roster":[...]} (one of three shapes, chosen by
 * key, so validation errors name the field that is wrong), or a roster as text/csv.
 */
export function parsePlanPreview(event: APIGatewayProxyEventV2): PlanPreviewRequest {
  const contentType = event.headers?.['content-type'] ?? '';
  if (/^text\/csv/i.test(contentType)) return { people: readRosterCsv(event).map(toPreviewPerson) };
  const body = readJsonBody(event);
  const kind = (['personId', 'person', 'roster'] as const).find((key) => body !== null && typeof body === 'object' && key in body);
  if (!kind) throw new HttpError(400, 'Send {"personId"}, {"person":{...}} or {"roster":[...]} (or a roster as text/csv)');
  const request = planRequests[kind].parse(body);
  if ('personId' in request) return { personId: request.personId };
  return { people: ('person' in request ? [request.person] : request.roster).map(toPreviewPerson) };
}

/** A roster export: one row per person, headers as in personInput, groups separated by ";". */
function readRosterCsv(event: APIGatewayProxyEventV2): PersonInput[] {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new HttpError(400, `Roster CSV is malformed: ${(error as Error).message}`, {}, { cause: error });
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

function toPreviewPerson(input: PersonInput): PreviewPerson {
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
  return { person: snapshot as unknown as PersonSnapshot, groups: input.groups };
}
