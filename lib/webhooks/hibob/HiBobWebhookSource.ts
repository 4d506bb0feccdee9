import * as z from 'zod';
import { compactAttributes } from '../compactAttributes.js';
import { decodeSignature } from '../decodeSignature.js';
import { digestsEqual } from '../digestsEqual.js';
import type { HrEvent, HrEventKind, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { hmacDigest } from '../hmacDigest.js';
import { isoInstantSchema } from '../isoInstantSchema.js';
import { isRecord } from '../isRecord.js';
import { parsePayload } from '../parsePayload.js';
import { requireHeader } from '../requireHeader.js';
import { sha256Hex } from '../sha256Hex.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { WebhookPayloadError } from '../WebhookPayloadError.js';
import { WebhookSignatureError } from '../WebhookSignatureError.js';

/*
 * HiBob ("Bob"), webhooks v2 (apidocs.hibob.com: "Getting started with Webhooks", "Employee data
 * webhooks", the per-event reference pages). Each request carries a `Bob-Signature` header: the
 * base64 HMAC-SHA512 of the raw body, keyed with the webhook's secret (the reference pages call it a
 * "Base64-encoded signature"; the bobhr gem's Bob::Webhooks.calculate_signature is the same
 * computation). Bob sends neither a timestamp nor a delivery id: the message id is the body's
 * SHA-256 and replays are caught only by the endpoint's message-id check, not by a time window.
 *
 * v2 payloads are "thin": `companyId`, `type`, `triggeredBy`, `triggeredAt`, `version` and `data`
 * with the employee's id (and, for employee.deleted, the work email). No other attributes are sent.
 * v1 payloads (with a full `employee` object) can no longer be created and are not accepted.
 */

const SHA512_BYTES = 64;

/**
 * Bob's employee events, as Perimeter reads them. Lifecycle events (joined, left, activated) fire at
 * midnight on the lifecycle entry's effective date, so they take effect now and carry no effectiveAt.
 *  - employee.created: the record exists (often before the start date); employee.joined: access is
 *    granted on the start date. Both are hires; the endpoint treats a repeated hire as an upsert.
 *  - employee.left: terminated or on garden leave, whichever comes first — the leaver event.
 *  - employee.activated: access re-enabled after an inactivation — read as a rehire.
 *  - employee.deleted: a deleted person must not keep access, so it is a leaver too.
 *  - employee.inactivated is not used: it also fires for leave, and a termination sends employee.left.
 */
const KINDS: Readonly<Record<string, HrEventKind>> = {
  'employee.created': 'hire',
  'employee.joined': 'hire',
  'employee.updated': 'update',
  'employee.left': 'terminate',
  'employee.deleted': 'terminate',
  'employee.activated': 'rehire',
};

const payloadSchema = z.object({
  companyId: vendorIdSchema,
  type: z.string().min(1),
  triggeredBy: z.string().optional(),
  triggeredAt: isoInstantSchema,
  version: z.string().optional(),
  data: z.object({
    employeeId: vendorIdSchema.optional(),
    email: z.string().optional(),
  }),
});

const SIGNATURE_HEADER = 'Bob-Signature';

export const hiBobWebhookSource: HrWebhookSource = {
  source: 'hibob',
  credentialHeader: SIGNATURE_HEADER,

  verify(request: WebhookRequest, secret: string, _now: Date, _toleranceMs: number): VerifiedDelivery {
    const presented = decodeSignature(requireHeader(request, SIGNATURE_HEADER), 'base64', SHA512_BYTES);
    if (presented === undefined) throw new WebhookSignatureError('Bob-Signature is not a base64 HMAC-SHA512');
    const expected = hmacDigest('sha512', secret, request.rawBody);
    if (!digestsEqual(expected, presented)) throw new WebhookSignatureError('Bob-Signature does not match the body');
    // No timestamp to check: the endpoint's message-id replay check is the only replay defence here.
    return { messageId: sha256Hex(request.rawBody) };
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    // Bob's connection test ("Ping test", or {"text":"Ping test"} on the second try) is not an event.
    if (isRecord(body) && body.type === undefined && typeof body.text === 'string') return [];
    const payload = parsePayload('hibob', payloadSchema, body);
    const kind = KINDS[payload.type];
    if (kind === undefined) return [];
    const employeeId = payload.data.employeeId;
    if (employeeId === undefined) throw new WebhookPayloadError(`hibob payload is not the documented shape: data.employeeId: required for ${payload.type}`);
    return [
      {
        source: 'hibob',
        messageId: delivery.messageId,
        kind,
        employeeId,
        occurredAt: payload.triggeredAt,
        attributes: compactAttributes({ workEmail: payload.data.email }),
      },
    ];
  },
};
