import * as z from 'zod';
import type { HrEvent, HrEventKind, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { isoInstantSchema } from '../isoInstantSchema.js';
import { parsePayload } from '../parsePayload.js';
import { requireHeader } from '../requireHeader.js';
import { secretsEqual } from '../secretsEqual.js';
import { sha256Hex } from '../sha256Hex.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { WebhookPayloadError } from '../WebhookPayloadError.js';
import { WebhookSignatureError } from '../WebhookSignatureError.js';

/*
 * Personio webhooks (developer.personio.de/v2.0/reference/webhooks; "Create new webhook",
 * POST /v2/webhooks). Personio does not sign deliveries. The one documented authentication is the
 * webhook's `token`: "the callback will include this exact value in the Authorization header". That
 * is the mechanism used here: the configured secret is that token and the header must equal it
 * exactly (compared in constant time). It authenticates the sender but does not bind the body or a
 * time, so there is no timestamp window; the message id is the body's SHA-256 and replays are
 * caught by the endpoint's message-id check. Operators who want a body signature put a relay in
 * front of Personio and use the `standard` source instead.
 *
 * Payloads are "dataless notifications": `company_id`, `event_name`, `occurred_at`, `payload` (ids
 * only) and an optional `meta`. Person events carry the person's id as `payload.id`; employment
 * events carry the employment's id, and the person is read from `payload.person.id` (or
 * `payload.person_id`), mirroring the v2 API's Employment resource.
 */

/**
 * Personio's person and employment events, as Perimeter reads them. employment.started and
 * employment.terminated fire on the day the employment starts or ends, so they take effect now.
 * A person (not an employment) is Perimeter's employee: person.created and employment.started are
 * both hires (the endpoint upserts), person.deleted is a leaver (a deleted person keeps no access).
 * employment.created / employment.deleted are not used: they accompany person.created / .deleted,
 * and the payload cannot tell a first employment from a later one, so Personio yields no rehire.
 */
const KINDS: Readonly<Record<string, HrEventKind>> = {
  'person.created': 'hire',
  'person.updated': 'update',
  'person.deleted': 'terminate',
  'employment.started': 'hire',
  'employment.updated': 'update',
  'employment.terminated': 'terminate',
};

const payloadSchema = z.object({
  company_id: vendorIdSchema,
  event_name: z.string().min(1),
  occurred_at: isoInstantSchema,
  payload: z.object({
    id: vendorIdSchema.optional(),
    person_id: vendorIdSchema.optional(),
    person: z.object({ id: vendorIdSchema }).optional(),
  }),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const TOKEN_HEADER = 'Authorization';

export const personioWebhookSource: HrWebhookSource = {
  source: 'personio',
  credentialHeader: TOKEN_HEADER,

  verify(request: WebhookRequest, secret: string, _now: Date, _toleranceMs: number): VerifiedDelivery {
    const presented = requireHeader(request, TOKEN_HEADER);
    if (!secretsEqual(presented, secret)) throw new WebhookSignatureError('Authorization does not carry the webhook token');
    // No timestamp to check: the endpoint's message-id replay check is the only replay defence here.
    return { messageId: sha256Hex(request.rawBody) };
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    const event = parsePayload('personio', payloadSchema, body);
    const kind = KINDS[event.event_name];
    if (kind === undefined) return [];
    const isPerson = event.event_name.startsWith('person.');
    const employeeId = isPerson ? event.payload.id : (event.payload.person?.id ?? event.payload.person_id);
    if (employeeId === undefined) {
      const field = isPerson ? 'payload.id' : 'payload.person.id';
      throw new WebhookPayloadError(`personio payload is not the documented shape: ${field}: required for ${event.event_name}`);
    }
    return [{ source: 'personio', messageId: delivery.messageId, kind, employeeId, occurredAt: event.occurred_at, attributes: {} }];
  },
};
