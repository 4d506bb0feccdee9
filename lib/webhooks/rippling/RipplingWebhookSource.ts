import * as z from 'zod';
import type { HrEvent, HrEventKind, HrWebhookSource, VerifiedDelivery, WebhookRequest } from '../../domain/HrEvent.js';
import { parsePayload } from '../parsePayload.js';
import { requireHeader } from '../requireHeader.js';
import { secretsEqual } from '../secretsEqual.js';
import { sha256Hex } from '../sha256Hex.js';
import { vendorIdSchema } from '../vendorIdSchema.js';
import { WebhookPayloadError } from '../WebhookPayloadError.js';
import { WebhookSignatureError } from '../WebhookSignatureError.js';

/*
 * Rippling partner webhooks (developer.rippling.com, developer portal guide "Webhooks"). Rippling
 * does not sign deliveries: it documents unauthenticated webhooks and Bearer-token webhooks (Basic
 * authentication is not supported), where the partner's static token arrives as
 * `Authorization: Bearer <token>`. Perimeter never accepts the unauthenticated kind; the configured
 * secret is that token, compared in constant time. The token binds neither the body nor a time, so
 * there is no timestamp window; the message id is the body's SHA-256 and replays are caught by the
 * endpoint's message-id check. (Two identical notifications — the same event for the same employee —
 * therefore share an id; both only say "look at this employee", so dropping the second loses nothing.)
 *
 * The body is form-encoded: `event_name`, `company_id`, `company_primary_email` and `id` (the
 * employee's id for employee.* events). It is accepted either as the raw form text or already
 * decoded into an object.
 */

/**
 * Rippling's employee events, as Perimeter reads them (none carries attributes or dates, and events
 * arrive about five minutes after the change, so all take effect now):
 *  - employee.hired (hired into the company) and employee.created (given access to the app) are hires;
 *  - employee.terminated and employee.deleted (access removed: termination, access rules or an admin)
 *    are leavers — a person Rippling no longer scopes to Perimeter keeps no access;
 *  - employee.updated is an update. Rippling has no rehire event (a rehire is hired again).
 * Group, company, custom-field, 401(k) and leave events produce nothing.
 */
const KINDS: Readonly<Record<string, HrEventKind>> = {
  'employee.hired': 'hire',
  'employee.created': 'hire',
  'employee.updated': 'update',
  'employee.terminated': 'terminate',
  'employee.deleted': 'terminate',
};

const BEARER = /^Bearer\s+(\S+)$/i;

const payloadSchema = z.object({
  event_name: z.string().min(1),
  company_id: vendorIdSchema,
  company_primary_email: z.string().optional(),
  id: vendorIdSchema.optional(),
});

const TOKEN_HEADER = 'Authorization';

export const ripplingWebhookSource: HrWebhookSource = {
  source: 'rippling',
  credentialHeader: TOKEN_HEADER,

  verify(request: WebhookRequest, secret: string, _now: Date, _toleranceMs: number): VerifiedDelivery {
    const token = BEARER.exec(requireHeader(request, TOKEN_HEADER))?.[1];
    if (token === undefined) throw new WebhookSignatureError('Authorization is not a Bearer token');
    if (!secretsEqual(token, secret)) throw new WebhookSignatureError('Authorization does not carry the webhook token');
    // No timestamp to check: the endpoint's message-id replay check is the only replay defence here.
    return { messageId: sha256Hex(request.rawBody) };
  },

  normalise(body: unknown, delivery: VerifiedDelivery): HrEvent[] {
    const decoded = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : body;
    const event = parsePayload('rippling', payloadSchema, decoded);
    const kind = KINDS[event.event_name];
    if (kind === undefined) return [];
    if (event.id === undefined) throw new WebhookPayloadError(`rippling payload is not the documented shape: id: required for ${event.event_name}`);
    return [{ source: 'rippling', messageId: delivery.messageId, kind, employeeId: event.id, attributes: {} }];
  },
};
