import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HrEventApplier, HrOutcome } from '../../lib/hr/HrEventApplier.js';
import { HrEventError } from '../../lib/hr/HrEventError.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { jsonResponse } from '../../lib/http/jsonResponse.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { DeliveryLog } from '../../lib/ports/DeliveryLog.js';
import type { SecretStore } from '../../lib/ports/SecretStore.js';
import { HR_SOURCES, type HrEvent, type HrSource, type HrWebhookSource, type VerifiedDelivery } from '../../lib/domain/HrEvent.js';
import { WebhookPayloadError } from '../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../lib/webhooks/WebhookSignatureError.js';

export interface HrWebhookDependencies {
  readonly sources: Readonly<Record<HrSource, HrWebhookSource>>;
  /** Which sources are enabled, and the name of each one's signing secret. */
  readonly secretNames: Readonly<Partial<Record<HrSource, string>>>;
  readonly secrets: SecretStore;
  readonly deliveries: DeliveryLog;
  readonly applier: Pick<HrEventApplier, 'check' | 'apply'>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const TOLERANCE_MS = 5 * 60_000;

/** What the endpoint reports for each event of a delivery. */
type DeliveryOutcome = (HrOutcome | { readonly outcome: 'rejected'; readonly reason: string }) & { readonly employeeId: string; readonly kind: HrEvent['kind'] };

/**
 * POST /hooks/hr/{source}: verify the signature over the raw body (current secret, then the
 * previous one during a rotation overlap), refuse replays, normalise, apply. A bad signature is a
 * 401 and nothing is written; a replayed delivery is a 409; a malformed payload a 400.
 */
export async function routeHrWebhook(event: APIGatewayProxyEventV2, deps: HrWebhookDependencies): Promise<APIGatewayProxyStructuredResultV2> {
  const now = deps.now?.() ?? new Date();
  if (event.requestContext.http.method.toUpperCase() !== 'POST') throw new HttpError(405, 'Use POST', { allow: 'POST' });
  const source = /\/hooks\/hr\/([^/]+)\/?$/.exec(event.rawPath)?.[1] as HrSource | undefined;
  const secretName = source && HR_SOURCES.includes(source) ? deps.secretNames[source] : undefined;
  if (!source || !secretName) throw new HttpError(404, 'No HR webhook is configured at this path');

  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const rawBody = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  const delivery = await verify(deps, source, secretName, { headers, rawBody }, now);

  if (!(await deps.deliveries.claim(source, delivery.messageId, now))) {
    throw new HttpError(409, `Delivery ${delivery.messageId} was already received`);
  }
  try {
    const events = normalise(deps.sources[source], rawBody, headers['content-type'], delivery).map(withEffectiveTime);
    // A batch is checked whole before any event is applied, so a delivery the directory cannot take
    // writes nothing. (A single event needs no separate check: apply validates before it writes.)
    if (events.length > 1) for (const hrEvent of events) await refusalsAsHttpErrors(() => deps.applier.check(hrEvent));
    const outcomes: DeliveryOutcome[] = [];
    for (const [index, hrEvent] of events.entries()) {
      const about = { employeeId: hrEvent.employeeId, kind: hrEvent.kind };
      try {
        outcomes.push({ ...(await refusalsAsHttpErrors(() => deps.applier.apply(hrEvent))), ...about });
      } catch (error) {
        // A refusal after earlier events of the batch were applied (a race since the check): the
        // delivery can no longer be refused as a whole, so it is accepted and says which event failed.
        if (index === 0 || !(error instanceof HttpError) || !error.expose) throw error;
        outcomes.push({ outcome: 'rejected', reason: error.message, ...about });
      }
    }
    await deps.deliveries.complete(source, delivery.messageId, now);
    return jsonResponse(202, { messageId: delivery.messageId, events: outcomes });
  } catch (error) {
    // Not processed: let the vendor's retry through.
    await deps.deliveries.release(source, delivery.messageId).catch(() => undefined);
    throw error;
  }
}

/** An event the directory refuses is the sender's problem (4xx), not a failure of ours (5xx). */
async function refusalsAsHttpErrors<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof HrEventError)) throw error;
    throw new HttpError(error.reason === 'conflict' ? 409 : 400, error.message, {}, { cause: error });
  }
}

async function verify(
  deps: HrWebhookDependencies,
  source: HrSource,
  secretName: string,
  request: { headers: Record<string, string | undefined>; rawBody: string },
  now: Date,
): Promise<VerifiedDelivery> {
  const current = await deps.secrets.getSecretValue(secretName, 'AWSCURRENT');
  if (!current) {
    deps.logger.error('HR webhook secret is missing', { source, secretName });
    throw new HttpError(503, 'This webhook is not ready to receive deliveries');
  }
  try {
    return deps.sources[source].verify(request, current.value, now, TOLERANCE_MS);
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    // During a rotation the sender may still sign with the previous secret.
    const previous = await deps.secrets.getSecretValue(secretName, 'AWSPREVIOUS');
    if (previous) {
      try {
        return deps.sources[source].verify(request, previous.value, now, TOLERANCE_MS);
      } catch {
        // Report the failure against the current secret below.
      }
    }
    deps.logger.warn('HR webhook signature rejected', { source, reason: error.message });
    throw new HttpError(401, 'Signature verification failed');
  }
}

function normalise(source: HrWebhookSource, rawBody: string, contentType: string | undefined, delivery: VerifiedDelivery): HrEvent[] {
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
    if (error instanceof WebhookPayloadError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** A date without a time ("2026-12-31", a last working day) takes effect at the end of that day, UTC. */
function withEffectiveTime(event: HrEvent): HrEvent {
  if (!event.effectiveAt || !/^\d{4}-\d{2}-\d{2}$/.test(event.effectiveAt)) return event;
  return { ...event, effectiveAt: `${event.effectiveAt}T23:59:59.999Z` };
}
