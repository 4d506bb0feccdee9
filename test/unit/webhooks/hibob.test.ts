import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hiBobWebhookSource } from '../../../lib/webhooks/hibob/HiBobWebhookSource.js';
import type { WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';
import { nonCanonicalBase64 } from './nonCanonicalBase64.js';
import { readHrFixture } from './readHrFixture.js';

const SECRET = 'bob-webhook-secret-Q3k9x2Vd7T';
const NOW = new Date('2025-06-30T23:00:05.000Z');
const TOLERANCE_MS = 5 * 60 * 1000;

/** Bob's documented computation (base64 HMAC-SHA512 of the raw body), done with node:crypto. */
function sign(rawBody: string, secret = SECRET): string {
  return createHmac('sha512', secret).update(rawBody).digest('base64');
}

function bodyHash(rawBody: string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

function normaliseFixture(name: string): ReturnType<typeof hiBobWebhookSource.normalise> {
  const rawBody = readHrFixture('hibob', name);
  return hiBobWebhookSource.normalise(JSON.parse(rawBody), { messageId: bodyHash(rawBody) });
}

describe('hiBobWebhookSource.verify', () => {
  it('accepts the documented signature and identifies the delivery by the SHA-256 of its body', () => {
    // Prepare
    const rawBody = readHrFixture('hibob', 'employee-left.json');

    // Act
    const verified = hiBobWebhookSource.verify({ rawBody, headers: { 'bob-signature': sign(rawBody) } }, SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: bodyHash(rawBody) });
  });

  const rawBody = readHrFixture('hibob', 'employee-left.json');
  const changedByte = rawBody.replace('3332883854254932743', '3332883854254932744');

  it.each<[string, WebhookRequest]>([
    ['a signature made with another secret', { rawBody, headers: { 'bob-signature': sign(rawBody, 'another-secret') } }],
    ['a signature for a body one byte different', { rawBody: changedByte, headers: { 'bob-signature': sign(rawBody) } }],
    ['a missing Bob-Signature header', { rawBody, headers: {} }],
    ['a hex signature', { rawBody, headers: { 'bob-signature': createHmac('sha512', SECRET).update(rawBody).digest('hex') } }],
    ['an HMAC-SHA256 signature', { rawBody, headers: { 'bob-signature': createHmac('sha256', SECRET).update(rawBody).digest('base64') } }],
    ['a non-canonical base64 spelling of the right signature', { rawBody, headers: { 'bob-signature': nonCanonicalBase64(sign(rawBody)) } }],
    ['a signature that is not base64', { rawBody, headers: { 'bob-signature': `${sign(rawBody).slice(0, -3)}*==` } }],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => hiBobWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(SECRET);
    const presented = request.headers['bob-signature'];
    if (presented !== undefined) expect((error as Error).message).not.toContain(presented);
  });

  it('has no time window to enforce: Bob signs no timestamp, so a day-old delivery still verifies', () => {
    // Prepare: the endpoint's message-id replay check is what stops a replay of this one.
    const later = new Date(NOW.getTime() + 24 * 60 * 60 * 1000);

    // Act
    const verified = hiBobWebhookSource.verify({ rawBody, headers: { 'bob-signature': sign(rawBody) } }, SECRET, later, TOLERANCE_MS);

    // Assess
    expect(verified.timestamp).toBeUndefined();
  });
});

describe('hiBobWebhookSource.normalise', () => {
  it.each([
    ['employee-created.json', 'hire', '2025-01-08T13:06:26.915Z'],
    ['employee-joined.json', 'hire', '2025-02-01T00:00:03.120Z'],
    ['employee-updated.json', 'update', '2025-03-14T09:41:12.502Z'],
    ['employee-left.json', 'terminate', '2025-06-30T23:00:02.004Z'],
    ['employee-activated.json', 'rehire', '2025-11-03T00:00:01.887Z'],
  ])('maps %s to %s, effective now (Bob fires lifecycle events on the effective date)', (fixture, kind, occurredAt) => {
    // Act
    const events = normaliseFixture(fixture);

    // Assess
    expect(events).toEqual([
      {
        source: 'hibob',
        messageId: bodyHash(readHrFixture('hibob', fixture)),
        kind,
        employeeId: '3332883854254932743',
        occurredAt,
        attributes: {},
      },
    ]);
    expect(events[0]).not.toHaveProperty('effectiveAt');
  });

  it('maps employee.deleted to a leaver and keeps the work email Bob includes', () => {
    // Act
    const events = normaliseFixture('employee-deleted.json');

    // Assess
    expect(events).toEqual([expect.objectContaining({ kind: 'terminate', employeeId: '3332883854254932743', attributes: { workEmail: 'jordan.lee@example.com' } })]);
  });

  it.each([
    ['employee.inactivated (leave or termination; terminations also send employee.left)', JSON.parse(readHrFixture('hibob', 'employee-inactivated.json'))],
    ['a table entry event', JSON.parse(readHrFixture('hibob', 'table-entry-created.json'))],
    ['a time-off event', { companyId: 636192, type: 'timeoff.request.created', triggeredAt: '2025-01-08T13:06:26', data: { requestId: 9 } }],
    ["Bob's connection test", { text: 'Ping test' }],
  ])('produces no event for %s', (_case, body) => {
    // Act
    const events = hiBobWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body that is not an object', ['employee.left'], /\(body\)/],
    ['a payload without type', { companyId: 1, triggeredAt: '2025-01-08T13:06:26', data: { employeeId: '1' } }, /type/],
    ['a payload without data', { companyId: 1, type: 'employee.left', triggeredAt: '2025-01-08T13:06:26' }, /data/],
    ['a malformed triggeredAt', { companyId: 1, type: 'employee.left', triggeredAt: '08/01/2025', data: { employeeId: '1' } }, /triggeredAt/],
    ['an employee event without employeeId', { companyId: 1, type: 'employee.left', triggeredAt: '2025-01-08T13:06:26', data: {} }, /data\.employeeId/],
    ['a v1 payload (employee object, no data)', { type: 'employee.created', creationDate: '2025-01-08', employee: { id: '1' } }, /data/],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => hiBobWebhookSource.normalise(body, { messageId: 'm' }));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
