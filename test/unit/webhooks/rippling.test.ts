import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { ripplingWebhookSource } from '../../../lib/webhooks/rippling/RipplingWebhookSource.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';
import { readHrFixture } from './readHrFixture.js';

const TOKEN = 'rpl_webhook_token_5Rv8wK1nZ6';
const NOW = new Date('2025-08-01T12:00:00.000Z');
const TOLERANCE_MS = 5 * 60 * 1000;
const EMPLOYEE = '656992816f26d6caea00072c';

function bodyHash(rawBody: string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

describe('ripplingWebhookSource.verify', () => {
  it('accepts the configured token as a Bearer token, with any capitalisation of the scheme', () => {
    // Prepare
    const rawBody = readHrFixture('rippling', 'employee-terminated.form');

    // Act
    const verified = ripplingWebhookSource.verify({ rawBody, headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN, NOW, TOLERANCE_MS);
    const lower = ripplingWebhookSource.verify({ rawBody, headers: { authorization: `bearer ${TOKEN}` } }, TOKEN, NOW, TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: bodyHash(rawBody) });
    expect(lower).toEqual(verified);
  });

  const rawBody = readHrFixture('rippling', 'employee-terminated.form');

  it.each<[string, WebhookRequest]>([
    ['another token', { rawBody, headers: { authorization: 'Bearer rpl_webhook_token_5Rv8wK1nZ7' } }],
    ['a prefix of the token', { rawBody, headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } }],
    ['the token without the Bearer scheme', { rawBody, headers: { authorization: TOKEN } }],
    ['Basic credentials', { rawBody, headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } }],
    ['a Bearer header with no token', { rawBody, headers: { authorization: 'Bearer' } }],
    ['a missing Authorization header (an unauthenticated Rippling webhook)', { rawBody, headers: {} }],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => ripplingWebhookSource.verify(request, TOKEN, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(TOKEN.slice(0, 12));
  });

  it('identifies a changed body as a different message, so a tampered retry is not a replay', () => {
    // Prepare: the token does not bind the body, so the message id is all that tells them apart.
    const changed = rawBody.replace('employee.terminated', 'employee.updated');

    // Act
    const original = ripplingWebhookSource.verify({ rawBody, headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN, NOW, TOLERANCE_MS);
    const other = ripplingWebhookSource.verify({ rawBody: changed, headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN, NOW, TOLERANCE_MS);

    // Assess
    expect(other.messageId).not.toBe(original.messageId);
  });
});

describe('ripplingWebhookSource.normalise', () => {
  it.each([
    ['employee-hired.form', 'hire'],
    ['employee-created.form', 'hire'],
    ['employee-updated.form', 'update'],
    ['employee-terminated.form', 'terminate'],
    ['employee-deleted.form', 'terminate'],
  ])('maps the form-encoded %s to %s, effective now', (fixture, kind) => {
    // Prepare
    const body = readHrFixture('rippling', fixture);

    // Act
    const events = ripplingWebhookSource.normalise(body, { messageId: bodyHash(body) });

    // Assess
    expect(events).toEqual([{ source: 'rippling', messageId: bodyHash(body), kind, employeeId: EMPLOYEE, attributes: {} }]);
  });

  it('accepts a body the endpoint has already decoded into fields', () => {
    // Prepare
    const body = Object.fromEntries(new URLSearchParams(readHrFixture('rippling', 'employee-terminated.form')));

    // Act
    const events = ripplingWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([{ source: 'rippling', messageId: 'm', kind: 'terminate', employeeId: EMPLOYEE, attributes: {} }]);
  });

  it.each([
    ['company.updated', readHrFixture('rippling', 'company-updated.form')],
    ['group.created', readHrFixture('rippling', 'group-created.form')],
    ['leave_request.created', 'event_name=leave_request.created&id=1&company_id=2&company_primary_email=a%40example.com'],
  ])('produces no event for %s', (_case, body) => {
    // Act
    const events = ripplingWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body with no event_name', 'id=1&company_id=2', /event_name/],
    ['a body with no company_id', 'event_name=employee.hired&id=1', /company_id/],
    ['an employee event with no id', 'event_name=employee.terminated&company_id=2', /\bid: required for employee\.terminated/],
    ['a body that is neither form text nor an object', 42, /\(body\)/],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => ripplingWebhookSource.normalise(body, { messageId: 'm' }));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
