import type { HrEvent, HrWebhookSource, VerifiedDelivery } from '../../lib/domain/HrEvent.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { WebhookPayloadError } from '../../lib/webhooks/WebhookPayloadError.js';

/** The vendor's payload as HR events, each with its effective time; a malformed payload is a 400. */
export function normaliseHrPayload(source: HrWebhookSource, rawBody: string, contentType: string | undefined, delivery: VerifiedDelivery): HrEvent[] {
  let body: unknown = rawBody;
  if (!contentType || /json/i.test(contentType)) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new HttpError(400, 'Payload is not valid JSON');
    }
  }
  try {
    return source.normalise(body, delivery).map(withEffectiveTime);
  } catch (error) {
    if (error instanceof WebhookPayloadError) throw new HttpError(400, error.message, {}, { cause: error });
    throw error;
  }
}

/** A date without a time ("2026-12-31", a last working day) takes effect at the end of that day, UTC. */
function withEffectiveTime(event: HrEvent): HrEvent {
  if (!event.effectiveAt || !/^\d{4}-\d{2}-\d{2}$/.test(event.effectiveAt)) return event;
  return { ...event, effectiveAt: `${event.effectiveAt}T23:59:59.999Z` };
}
