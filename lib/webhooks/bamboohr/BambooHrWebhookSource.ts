import * as z from 'zod';
import { checkTimestampTolerance } from '../checkTimestampTolerance.js';
import { compactAttributes } from '../compactAttributes.js';
import { decodeSignature } from '../decodeSignature.js';
import { digestsEqual } from '../digestsEqual.js';
import { effectiveDateSchema } from '../effectiveDateSchema.js';
import type { HrEvent, HrPersonAttributes, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { hmacDigest } from '../hmacDigest.js';
import { isCalendarDate } from '../isCalendarDate.js';
import { isoInstantSchema } from '../isoInstantSchema.js';
import { isRecord } from '../isRecord.js';
import { parsePayload } from '../parsePayload.js';
import { parseUnixSeconds } from '../parseUnixSeconds.js';
import { requireHeader } from '../requireHeader.js';
import { sha256Hex } from '../sha256Hex.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { WebhookPayloadError } from '../WebhookPayloadError.js';
import { WebhookSignatureError } from '../WebhookSignatureError.js';

/*
 * BambooHR (documentation.bamboohr.com/docs/webhooks, "Security"; event-based-webhooks;
 * field-based-webhooks). Every delivery carries X-BambooHR-Timestamp and X-BambooHR-Signature, the
 * hex HMAC-SHA256 of the raw body followed directly by the timestamp, keyed with the webhook's
 * private key. BambooHR sends no delivery id, so the message id is the body's SHA-256.
 *
 * Two payload styles exist and both are accepted, as JSON (the webhook must be set to the JSON
 * format; form posts are not parsed):
 *  - field-based (`employee_with_fields.*`, the global webhooks' format): `employees[]` with `id`,
 *    `action` (Created / Updated / Deleted), `timestamp`, `changedFields` and `fields` — the posted
 *    field values under BambooHR's English names ("Job Title") or the configured aliases ("jobTitle");
 *  - event-based (`employee.created|updated|deleted`): only `data.employeeId` and the changed field
 *    aliases, no values, so these become events without attributes (and a termination seen this way
 *    can only surface as an update: the payload does not say which way the status changed).
 */

const SHA256_BYTES = 32;

/** Field names are compared without case, spaces, underscores or dashes: "Job Title" = "jobTitle". */
function fieldKey(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]/g, '');
}

/** Posted fields Perimeter maps onto its attributes (BambooHR names and API aliases). */
const ATTRIBUTE_FIELDS: Readonly<Record<string, keyof HrPersonAttributes>> = {
  firstname: 'givenName',
  lastname: 'familyName',
  displayname: 'displayName',
  workemail: 'workEmail',
  jobtitle: 'title',
  department: 'department',
  division: 'division',
  location: 'location',
  employmentstatus: 'employmentType',
  employmenthistorystatus: 'employmentType',
  'employee#': 'employeeNumber',
  employeenumber: 'employeeNumber',
  supervisoreid: 'managerEmployeeId',
  supervisoremail: 'managerEmail',
  hiredate: 'startDate',
};

/** Changes that matter to access; a change to only pay, address or SSN fields produces no event. */
const RELEVANT_FIELDS = new Set([
  ...Object.keys(ATTRIBUTE_FIELDS),
  'preferredname',
  'status',
  'terminationdate',
  'employmentstatus:date',
  'reportingto',
  'supervisor',
  'supervisorid',
]);

const EVENT_TYPES = new Set(['employee.created', 'employee.updated', 'employee.deleted']);

const changedFieldsSchema = z.array(z.string()).default([]);

const fieldBasedSchema = z.object({
  employees: z.array(
    z.object({
      id: vendorIdSchema,
      // Legacy global webhooks post only changes; without an action they are updates.
      action: z.enum(['Created', 'Updated', 'Deleted']).default('Updated'),
      timestamp: isoInstantSchema.optional(),
      changedFields: changedFieldsSchema,
      // BambooHR sends [] rather than {} when a Created or Deleted entry has no fields.
      fields: z.union([z.record(z.string(), z.unknown()), z.array(z.never()).transform(() => ({}))]).default({}),
    }),
  ),
});

/** What every event-based delivery must have; data is only validated for the types Perimeter acts on. */
const eventEnvelopeSchema = z.object({ type: z.string().min(1), timestamp: isoInstantSchema.optional(), data: z.record(z.string(), z.unknown()) });

const eventBasedSchema = z.object({
  type: z.string().min(1),
  timestamp: isoInstantSchema.optional(),
  data: z.object({
    companyId: vendorIdSchema.optional(),
    employeeId: vendorIdSchema,
    changedFields: z.array(z.string()).optional(),
  }),
});

type FieldBasedEntry = z.output<typeof fieldBasedSchema>['employees'][number];

/** A posted field's value, with the name BambooHR used (for error messages). */
interface PostedField {
  readonly name: string;
  readonly value: string;
}

const SIGNATURE_HEADER = 'X-BambooHR-Signature';

export const bambooHrWebhookSource: HrWebhookSource = {
  source: 'bamboohr',
  credentialHeader: SIGNATURE_HEADER,

  verify(request: WebhookRequest, secret: string, now: Date, toleranceMs: number): VerifiedDelivery {
    const signatureText = requireHeader(request, SIGNATURE_HEADER);
    const timestampText = requireHeader(request, 'X-BambooHR-Timestamp');
    const timestamp = parseBambooTimestamp(timestampText);
    if (timestamp === undefined) throw new WebhookSignatureError('X-BambooHR-Timestamp is not a timestamp');
    checkTimestampTolerance(timestamp, now, toleranceMs);

    const presented = decodeSignature(signatureText, 'hex', SHA256_BYTES);
    if (presented === undefined) throw new WebhookSignatureError('X-BambooHR-Signature is not a hex HMAC-SHA256');
    // Signed text: the raw body immediately followed by the timestamp header, exactly as received.
    const expected = hmacDigest('sha256', secret, `${request.rawBody}${timestampText}`);
    if (!digestsEqual(expected, presented)) throw new WebhookSignatureError('X-BambooHR-Signature does not match the body');
    return { messageId: sha256Hex(request.rawBody), timestamp };
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    if (isRecord(body) && 'employees' in body) {
      const payload = parsePayload('bamboohr', fieldBasedSchema, body);
      // One delivery may batch several employees; each event gets its own idempotency key.
      return payload.employees.flatMap((entry, index) => fieldBasedEvent(entry, index, `${delivery.messageId}:${index}`));
    }
    const { type } = parsePayload('bamboohr', eventEnvelopeSchema, body);
    if (!EVENT_TYPES.has(type)) return [];
    const payload = parsePayload('bamboohr', eventBasedSchema, body);
    const base = { source: 'bamboohr', messageId: delivery.messageId, employeeId: payload.data.employeeId, occurredAt: payload.timestamp, attributes: {} } as const;
    switch (payload.type) {
      case 'employee.created':
        return [{ ...base, kind: 'hire' }];
      case 'employee.deleted':
        // A person who no longer exists in HR must not keep access: deletion is treated as a leaver.
        return [{ ...base, kind: 'terminate' }];
      case 'employee.updated': {
        const changed = payload.data.changedFields;
        const relevant = changed === undefined || changed.some((name) => RELEVANT_FIELDS.has(fieldKey(name)));
        return relevant ? [{ ...base, kind: 'update' }] : [];
      }
      default:
        return [];
    }
  },
};

/** BambooHR's examples send Unix seconds; an ISO 8601 date-time with its offset is accepted too. */
function parseBambooTimestamp(text: string): Date | undefined {
  const seconds = parseUnixSeconds(text);
  if (seconds !== undefined) return seconds;
  const instant = isoInstantSchema.safeParse(text);
  return instant.success && /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? new Date(instant.data) : undefined;
}

function fieldBasedEvent(entry: FieldBasedEntry, index: number, messageId: string): HrEvent[] {
  const fields = new Map<string, PostedField>();
  for (const [name, value] of Object.entries(entry.fields)) {
    if (typeof value === 'string' || typeof value === 'number') fields.set(fieldKey(name), { name, value: String(value).trim() });
  }
  const changed = new Set(entry.changedFields.map(fieldKey));
  const base = { source: 'bamboohr', messageId, employeeId: entry.id, occurredAt: entry.timestamp, attributes: attributesOf(fields) } as const;

  if (entry.action === 'Created') return [{ ...base, kind: 'hire' }];
  if (entry.action === 'Deleted') return [{ ...base, kind: 'terminate' }];

  const status = fields.get('status')?.value.toLowerCase();
  const employmentStatus = (fields.get('employmentstatus') ?? fields.get('employmenthistorystatus'))?.value.toLowerCase();
  const statusChanged = changed.has('status');
  const employmentStatusChanged = changed.has('employmentstatus') || changed.has('employmenthistorystatus');

  if ((statusChanged && status === 'inactive') || (employmentStatusChanged && employmentStatus === 'terminated')) {
    const effectiveAt = terminationDate(fields, index);
    return [{ ...base, kind: 'terminate', ...(effectiveAt === undefined ? {} : { effectiveAt }) }];
  }
  // Status only becomes Active again for someone who was Inactive: that is a rehire.
  if (statusChanged && status === 'active') return [{ ...base, kind: 'rehire' }];
  if ([...changed].some((name) => RELEVANT_FIELDS.has(name))) return [{ ...base, kind: 'update' }];
  return [];
}

function attributesOf(fields: ReadonlyMap<string, PostedField>): Partial<HrPersonAttributes> {
  const candidate: Partial<Record<keyof HrPersonAttributes, string>> = {};
  for (const [key, attribute] of Object.entries(ATTRIBUTE_FIELDS)) {
    const value = fields.get(key)?.value;
    if (value !== undefined && candidate[attribute] === undefined) candidate[attribute] = value;
  }
  // "Terminated" is an employment status, not a kind of employment; BambooHR writes empty dates as 0000-00-00.
  if (candidate.employmentType?.toLowerCase() === 'terminated') delete candidate.employmentType;
  if (candidate.startDate !== undefined && !isCalendarDate(candidate.startDate)) delete candidate.startDate;
  return compactAttributes(candidate);
}

/** The termination's effective date: the Termination Date field, else the Employment Status row's date. */
function terminationDate(fields: ReadonlyMap<string, PostedField>, index: number): string | undefined {
  for (const key of ['terminationdate', 'employmentstatus:date']) {
    const field = fields.get(key);
    if (field === undefined || field.value === '' || field.value === '0000-00-00') continue;
    const date = effectiveDateSchema.safeParse(field.value);
    if (!date.success) throw new WebhookPayloadError(`bamboohr payload is not the documented shape: employees[${index}].fields["${field.name}"]: expected an ISO 8601 date`);
    return date.data;
  }
  return undefined;
}
