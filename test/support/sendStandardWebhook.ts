import { createHmac, randomUUID } from 'node:crypto';

export interface WebhookReply {
  readonly status: number;
  readonly body: any;
}

/**
 * Posts one Standard Webhooks delivery of Perimeter's `standard` HR payload, signed with `secret`
 * (whsec_…). Each call is a fresh webhook-id: a sender's retry is a new delivery.
 */
export async function sendStandardWebhook(
  baseUrl: string,
  secret: string,
  event: { type: string; employeeId: string; timestamp: string; attributes?: Record<string, string>; effectiveAt?: string },
): Promise<WebhookReply> {
  const data = { employeeId: event.employeeId, attributes: event.attributes ?? {}, ...(event.effectiveAt ? { effectiveAt: event.effectiveAt } : {}) };
  const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data });
  const id = `msg-${randomUUID()}`;
  const at = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${at}.${body}`).digest('base64');
  const response = await fetch(`${baseUrl}/hooks/hr/standard`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': `v1,${signature}` },
    body,
  });
  return { status: response.status, body: await response.json() };
}
