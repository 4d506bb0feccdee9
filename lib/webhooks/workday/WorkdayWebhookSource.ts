import * as z from 'zod';
import { compactAttributes } from '../compactAttributes.js';
import { effectiveDateSchema } from '../effectiveDateSchema.js';
import type { HrEvent, HrEventKind, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { isCalendarDate } from '../isCalendarDate.js';
import { isoInstantSchema } from '../isoInstantSchema.js';
import { isTimeZone } from '../isTimeZone.js';
import { parsePayload } from '../parsePayload.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { STANDARD_SIGNATURE_HEADER, verifyStandardWebhook } from '../verifyStandardWebhook.js';

/*
 * Workday has no native webhooks and signs nothing. What exists: business process event
 * subscriptions that call an external endpoint with a SOAP notification holding only an event
 * reference (authenticated with a user name and password), and integrations built in Workday
 * Studio, EIB or middleware that read the worker and push it out. A bare event reference cannot be
 * turned into an HrEvent without calling Workday back (normalise is pure), and Basic credentials do
 * not bind the body, so Perimeter adopts the Standard Webhooks scheme for this source: the customer's
 * Studio integration (or the iPaaS flow it hands off to), launched by a business process
 * subscription, signs a JSON document with `webhook-id` (the Workday event's WID), `webhook-timestamp`
 * and `webhook-signature`, exactly as the `standard` source verifies. Unsigned deliveries are never
 * accepted.
 *
 * The document is Perimeter's, shaped after Workday's own vocabulary (business process type names,
 * Get_Workers field names) so a Studio integration maps it field for field:
 *   { "businessProcess": "Hire", "effectiveDate": "2025-07-01", "completedAt"?: "<ISO 8601>",
 *     "worker": { "employeeId": "21001", "rehire"?: false, "workerType"?: "Employee",
 *                 "firstName"?, "lastName"?, "displayName"?, "primaryWorkEmail"?, "businessTitle"?,
 *                 "supervisoryOrganization"?, "company"?, "location"?, "employeeType"?,
 *                 "managerEmployeeId"?, "managerWorkEmail"?, "hireDate"?, "timeZone"? } }
 * `timeZone` (IANA) places a date-only effective date: a Termination effective 2025-12-19 in
 * America/Chicago takes effect at the end of that day there, not at UTC midnight.
 */

/**
 * Workday business processes Perimeter acts on. A Hire (or Contract Contingent Worker) of a former
 * worker is flagged `rehire` by Workday, and becomes a rehire. Termination and End Contingent Worker
 * Contract are leavers whose effective date may lie ahead (Workday completes the process before the
 * last day). The Change processes that move a person (job, title, organisation, contact, name) are
 * updates. Everything else (compensation, time off, benefits, ...) produces nothing.
 */
const KINDS: Readonly<Record<string, HrEventKind>> = {
  Hire: 'hire',
  'Contract Contingent Worker': 'hire',
  Termination: 'terminate',
  'End Contingent Worker Contract': 'terminate',
  'Change Job': 'update',
  'Change Business Title': 'update',
  'Change Organization Assignments for Worker': 'update',
  'Change Work Contact Information': 'update',
  'Change Legal Name': 'update',
  'Change Preferred Name': 'update',
};

const text = z.string().max(1024).optional();

/** What every delivery must have; the rest is only validated for the processes Perimeter acts on. */
const envelopeSchema = z.object({ businessProcess: z.string().min(1) });

const payloadSchema = z.object({
  businessProcess: z.string().min(1),
  effectiveDate: effectiveDateSchema,
  completedAt: isoInstantSchema.optional(),
  worker: z.object({
    employeeId: vendorIdSchema,
    rehire: z.boolean().default(false),
    workerType: text,
    firstName: text,
    lastName: text,
    displayName: text,
    primaryWorkEmail: text,
    businessTitle: text,
    supervisoryOrganization: text,
    company: text,
    location: text,
    employeeType: text,
    managerEmployeeId: vendorIdSchema.optional(),
    managerWorkEmail: text,
    hireDate: z.string().refine(isCalendarDate, 'expected a YYYY-MM-DD date').optional(),
    // Get_Workers' Time_Zone_ID of the worker's location: an IANA name such as America/Chicago.
    timeZone: z.string().max(64).refine(isTimeZone, 'expected an IANA time zone such as America/Chicago').optional(),
  }),
});

export const workdayWebhookSource: HrWebhookSource = {
  source: 'workday',
  credentialHeader: STANDARD_SIGNATURE_HEADER,

  verify(request: WebhookRequest, secret: string, now: Date, toleranceMs: number): VerifiedDelivery {
    return verifyStandardWebhook(request, secret, now, toleranceMs);
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    const mapped = KINDS[parsePayload('workday', envelopeSchema, body).businessProcess];
    if (mapped === undefined) return [];
    const event = parsePayload('workday', payloadSchema, body);
    const { worker } = event;
    const kind: HrEventKind = mapped === 'hire' && worker.rehire ? 'rehire' : mapped;
    return [
      {
        source: 'workday',
        messageId: delivery.messageId,
        kind,
        employeeId: worker.employeeId,
        effectiveAt: event.effectiveDate,
        occurredAt: event.completedAt,
        attributes: compactAttributes({
          workEmail: worker.primaryWorkEmail,
          givenName: worker.firstName,
          familyName: worker.lastName,
          displayName: worker.displayName,
          title: worker.businessTitle,
          department: worker.supervisoryOrganization,
          division: worker.company,
          location: worker.location,
          employmentType: worker.employeeType ?? worker.workerType,
          employeeNumber: worker.employeeId,
          managerEmployeeId: worker.managerEmployeeId,
          managerEmail: worker.managerWorkEmail,
          startDate: worker.hireDate,
          timezone: worker.timeZone,
        }),
      },
    ];
  },
};
