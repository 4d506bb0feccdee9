import type { HrEvent, HrWebhookSource, VerifiedDelivery } from '../../lib/domain/HrEvent.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { WebhookPayloadError } from '../../lib/webhooks/WebhookPayloadError.js';

/**
 * The vendor's payload as HR events; a malformed payload is a 400. A date-only effective date stays a
 * date: the applier ends it in the person's time zone (lib/hr/effectiveInstant.ts).
 */
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
    return source.normalise(body, delivery);
  } catch (error) {
    if (error instanceof WebhookPayloadError) throw new HttpError(400, error.message, {}, { cause: error });
    throw error;
  }
}
