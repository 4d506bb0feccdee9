import * as z from 'zod';
import { compactAttributes } from '../compactAttributes.js';
import { effectiveDateSchema } from '../effectiveDateSchema.js';
import type { HrEvent, HrEventKind, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { hrPersonAttributesSchema } from '../hrPersonAttributesSchema.js';
import { isoInstantSchema } from '../isoInstantSchema.js';
import { parsePayload } from '../parsePayload.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { STANDARD_SIGNATURE_HEADER, verifyStandardWebhook } from '../verifyStandardWebhook.js';

/*
 * The `standard` source: any HR system, iPaaS flow or relay that signs per the Standard Webhooks
 * specification (standardwebhooks.com): `webhook-id`, `webhook-timestamp`, `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several allowed), secret `whsec_<base64>`.
 * The webhook-id is the message id; the timestamp must be within the endpoint's tolerance.
 *
 * The payload follows the specification's recommended structure (`type`, `timestamp`, `data`) with
 * Perimeter's own event types and attribute names:
 *   { "type": "employee.hired" | "employee.updated" | "employee.terminated" | "employee.rehired",
 *     "timestamp": "<ISO 8601>",
 *     "data": { "employeeId": "...", "effectiveAt"?: "<ISO 8601 date or date-time>",
 *               "attributes"?: { "workEmail"?: "...", "title"?: "...", ... } } }
 * Any other type is acknowledged and ignored, so senders may publish more events than Perimeter uses.
 */

const KINDS: Readonly<Record<string, HrEventKind>> = {
  'employee.hired': 'hire',
  'employee.updated': 'update',
  'employee.terminated': 'terminate',
  'employee.rehired': 'rehire',
};

/** What every delivery must have; the data is only validated for the types Perimeter acts on. */
const envelopeSchema = z.object({ type: z.string().min(1), timestamp: isoInstantSchema, data: z.record(z.string(), z.unknown()) });

const payloadSchema = z.object({
  type: z.string().min(1),
  timestamp: isoInstantSchema,
  data: z.object({
    employeeId: vendorIdSchema,
    effectiveAt: effectiveDateSchema.optional(),
    attributes: hrPersonAttributesSchema.default({}),
  }),
});

export const standardWebhookSource: HrWebhookSource = {
  source: 'standard',
  credentialHeader: STANDARD_SIGNATURE_HEADER,

  verify(request: WebhookRequest, secret: string, now: Date, toleranceMs: number): VerifiedDelivery {
    return verifyStandardWebhook(request, secret, now, toleranceMs);
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    const kind = KINDS[parsePayload('standard', envelopeSchema, body).type];
    if (kind === undefined) return [];
    const event = parsePayload('standard', payloadSchema, body);
    const { employeeId, effectiveAt, attributes } = event.data;
    return [
      {
        source: 'standard',
        messageId: delivery.messageId,
        kind,
        employeeId,
        ...(effectiveAt === undefined ? {} : { effectiveAt }),
        occurredAt: event.timestamp,
        attributes: compactAttributes(attributes),
      },
    ];
  },
};
