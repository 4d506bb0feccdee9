import type { HrIngress } from '../../lib/application/Application.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { resolveHrWebhookTarget } from './resolveHrWebhookTarget.js';
import { signatureRejected } from './signatureRejected.js';

/**
 * What the webhook would answer a delivery before it reads the body: the same 405 or 404, or the
 * 401 of a delivery without its source's credential header, which can never verify. Undefined when
 * the delivery may be genuine; the handler then verifies its signature over the body.
 */
export function refuseUnsignedHrDelivery(
  ingress: Pick<HrIngress, 'sources' | 'secretNames'>,
  request: { readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string | string[] | undefined>> },
): HttpError | undefined {
  try {
    const { source } = resolveHrWebhookTarget(request.method, request.path, ingress.secretNames);
    const credential = request.headers[ingress.sources[source].credentialHeader.toLowerCase()];
    const value = Array.isArray(credential) ? credential.join(',') : credential;
    return value === undefined || value.trim() === '' ? signatureRejected() : undefined;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}
