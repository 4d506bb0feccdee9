import type { WebhookRequest } from '../domain/HrEvent.js';
import { WebhookSignatureError } from './WebhookSignatureError.js';

/**
 * A header the signature scheme cannot do without. Missing and blank are the same failure: a sender
 * that signs always sends the header, so either means the delivery is not one we can authenticate.
 */
export function requireHeader(request: WebhookRequest, name: string): string {
  const value = request.headers[name.toLowerCase()]?.trim();
  if (value === undefined || value === '') throw new WebhookSignatureError(`missing ${name} header`);
  return value;
}
