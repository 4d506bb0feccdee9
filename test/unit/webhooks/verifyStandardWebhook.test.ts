import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyStandardWebhook } from '../../../lib/webhooks/verifyStandardWebhook.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';

const KEY = randomBytes(32);
const SECRET = `whsec_${KEY.toString('base64')}`;
const NOW = new Date('2025-06-02T09:00:10.000Z');
const TIMESTAMP = String(NOW.getTime() / 1000);
const TOLERANCE_MS = 5 * 60 * 1000;
const BODY = '{"type":"employee.hired"}';

/** A delivery signed per the specification (computed here with node:crypto, not the code under test). */
const signed = (id: string): { rawBody: string; headers: Record<string, string> } => ({
  rawBody: BODY,
  headers: { 'webhook-id': id, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': `v1,${createHmac('sha256', KEY).update(`${id}.${TIMESTAMP}.${BODY}`).digest('base64')}` },
});

describe('verifyStandardWebhook', () => {
  it('accepts a webhook-id of 256 characters, whatever they are', () => {
    // Prepare
    const id = '😀'.repeat(128);

    // Act
    const verified = verifyStandardWebhook(signed(id), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified.messageId).toBe(id);
  });

  it('refuses a correctly signed webhook-id too long to key the delivery log', () => {
    // Prepare: the id keys the replay log; a 3,000-character one made the store throw (a 500)
    const request = signed('x'.repeat(3000));

    // Act
    const error = thrown(() => verifyStandardWebhook(request, SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).toBe('webhook-id is longer than 256 characters');
  });
});
