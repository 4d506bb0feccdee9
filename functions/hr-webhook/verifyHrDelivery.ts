import type { HrSource, HrWebhookSource, VerifiedDelivery } from '../../lib/domain/HrEvent.js';
import { HttpError } from '../../lib/http/HttpError.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { SecretStore } from '../../lib/ports/SecretStore.js';
import { WebhookSignatureError } from '../../lib/webhooks/WebhookSignatureError.js';
import { signatureRejected } from './signatureRejected.js';

const TOLERANCE_MS = 5 * 60_000;

/**
 * The sender's signature over the raw body, against the current secret and, during a rotation
 * overlap, the previous one. Anything else is a 401 that says nothing about why.
 */
export async function verifyHrDelivery(
  deps: { readonly secrets: SecretStore; readonly logger: Logger },
  source: HrSource,
  verifier: HrWebhookSource,
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
    return verifier.verify(request, current.value, now, TOLERANCE_MS);
  } catch (error) {
    if (!(error instanceof WebhookSignatureError)) throw error;
    // During a rotation the sender may still sign with the previous secret.
    const previous = await deps.secrets.getSecretValue(secretName, 'AWSPREVIOUS');
    if (previous) {
      try {
        return verifier.verify(request, previous.value, now, TOLERANCE_MS);
      } catch {
        // Report the failure against the current secret below.
      }
    }
    deps.logger.warn('HR webhook signature rejected', { source, reason: error.message });
    throw signatureRejected();
  }
}
