import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HrIngress } from '../../lib/application/Application.js';
import { applyHrEvents } from '../../lib/application/hr/applyHrEvents.js';
import { HrEventError } from '../../lib/hr/HrEventError.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import type { Logger } from '../../lib/observability/Logger.js';
import { normaliseHrPayload } from './normaliseHrPayload.js';
import { resolveHrWebhookTarget } from './resolveHrWebhookTarget.js';
import { verifyHrDelivery } from './verifyHrDelivery.js';

export interface HrWebhookDependencies extends HrIngress {
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * POST /hooks/hr/{source}: verify the signature over the raw body, refuse replays, normalise, apply.
 * A bad signature is a 401 and nothing is written; a replayed delivery is a 409; a malformed payload
 * a 400; an event the directory refuses is the sender's problem (400/409), not a failure of ours.
 */
export async function routeHrWebhook(event: APIGatewayProxyEventV2, deps: HrWebhookDependencies): Promise<APIGatewayProxyStructuredResultV2> {
  const now = deps.now?.() ?? new Date();
  const { source, secretName } = resolveHrWebhookTarget(event.requestContext.http.method, event.rawPath, deps.secretNames);

  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const rawBody = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const delivery = await verifyHrDelivery(deps, source, deps.sources[source], secretName, { headers, rawBody }, now);

  if (!(await deps.deliveries.claim(source, delivery.messageId, now))) {
    throw new HttpError(409, `Delivery ${delivery.messageId} was already received`);
  }
  try {
    const events = normaliseHrPayload(deps.sources[source], rawBody, headers['content-type'], delivery);
    const outcomes = await applyHrEvents(deps.applier, events).catch((error: unknown) => {
      if (error instanceof HrEventError) throw new HttpError(error.reason === 'conflict' ? 409 : 400, error.message, {}, { cause: error });
      throw error;
    });
    await deps.deliveries.complete(source, delivery.messageId, now);
    return jsonResponse(202, { messageId: delivery.messageId, events: outcomes });
  } catch (error) {
    // Not processed: let the vendor's retry through.
    await deps.deliveries.release(source, delivery.messageId).catch(() => undefined);
    throw error;
  }
}
