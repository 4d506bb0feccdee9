import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { personioWebhookSource } from '../../../lib/webhooks/personio/PersonioWebhookSource.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';
import { readHrFixture } from './readHrFixture.js';

const TOKEN = 'prs-webhook-token-7Jq2mX9vB4';
const NOW = new Date('2025-12-01T00:00:04.000Z');
const TOLERANCE_MS = 5 * 60 * 1000;
const PERSON = '9a1f6c2e-5c4b-4e0e-a8c4-2f1b7e7d3c10';

function bodyHash(rawBody: string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

function normaliseFixture(name: string): ReturnType<typeof personioWebhookSource.normalise> {
  const rawBody = readHrFixture('personio', name);
  return personioWebhookSource.normalise(JSON.parse(rawBody), { messageId: bodyHash(rawBody) });
}

describe('personioWebhookSource.verify', () => {
  it('accepts the configured token in the Authorization header, exactly as Personio sends it', () => {
    // Prepare
    const rawBody = readHrFixture('personio', 'employment-terminated.json');

    // Act
    const verified = personioWebhookSource.verify({ rawBody, headers: { authorization: TOKEN } }, TOKEN, NOW, TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: bodyHash(rawBody) });
  });

  it('accepts a token configured with a scheme, such as "Bearer …", when the header carries it verbatim', () => {
    // Prepare
    const rawBody = readHrFixture('personio', 'person-created.json');

    // Act
    const verified = personioWebhookSource.verify({ rawBody, headers: { authorization: `Bearer ${TOKEN}` } }, `Bearer ${TOKEN}`, NOW, TOLERANCE_MS);

    // Assess
    expect(verified.messageId).toBe(bodyHash(rawBody));
  });

  const rawBody = readHrFixture('personio', 'employment-terminated.json');

  it.each<[string, WebhookRequest]>([
    ['another token', { rawBody, headers: { authorization: 'prs-webhook-token-7Jq2mX9vB5' } }],
    ['a prefix of the token', { rawBody, headers: { authorization: TOKEN.slice(0, -1) } }],
    ['the token with a suffix', { rawBody, headers: { authorization: `${TOKEN}x` } }],
    ['the token behind a scheme Personio does not add', { rawBody, headers: { authorization: `Bearer ${TOKEN}` } }],
    ['a missing Authorization header', { rawBody, headers: {} }],
    ['a blank Authorization header', { rawBody, headers: { authorization: ' ' } }],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => personioWebhookSource.verify(request, TOKEN, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(TOKEN.slice(0, 12));
  });

  it('refuses everything when no token is configured', () => {
    // Act
    const error = thrown(() => personioWebhookSource.verify({ rawBody, headers: { authorization: 'x' } }, '', NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
  });

  it('identifies a changed body as a different message, so a tampered retry is not a replay', () => {
    // Prepare: the token does not bind the body, so the message id is all that tells them apart.
    const changed = rawBody.replace('2025-12-01', '2025-12-02');

    // Act
    const original = personioWebhookSource.verify({ rawBody, headers: { authorization: TOKEN } }, TOKEN, NOW, TOLERANCE_MS);
    const other = personioWebhookSource.verify({ rawBody: changed, headers: { authorization: TOKEN } }, TOKEN, NOW, TOLERANCE_MS);

    // Assess
    expect(other.messageId).not.toBe(original.messageId);
  });
});

describe('personioWebhookSource.normalise', () => {
  it.each([
    ['person-created.json', 'hire', '2025-05-12T08:31:07.000Z'],
    ['employment-started.json', 'hire', '2025-06-01T00:00:00.000Z'],
    ['person-updated.json', 'update', '2025-05-20T14:02:44.000Z'],
    ['employment-updated.json', 'update', '2025-09-01T07:15:30.000Z'],
    ['employment-terminated.json', 'terminate', '2025-12-01T00:00:00.000Z'],
    ['person-deleted.json', 'terminate', '2025-12-18T10:45:00.000Z'],
  ])('maps %s to %s for the person, effective now', (fixture, kind, occurredAt) => {
    // Act
    const events = normaliseFixture(fixture);

    // Assess
    expect(events).toEqual([
      { source: 'personio', messageId: bodyHash(readHrFixture('personio', fixture)), kind, employeeId: PERSON, occurredAt, attributes: {} },
    ]);
    expect(events[0]).not.toHaveProperty('effectiveAt');
  });

  it('reads the person of an employment event from person_id too', () => {
    // Prepare
    const body = { company_id: '1', event_name: 'employment.terminated', occurred_at: '2025-12-01T00:00:00+01:00', payload: { id: 'e1', person_id: 42 } };

    // Act
    const events = personioWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([{ source: 'personio', messageId: 'm', kind: 'terminate', employeeId: '42', occurredAt: '2025-11-30T23:00:00.000Z', attributes: {} }]);
  });

  it.each([
    ['a document event', JSON.parse(readHrFixture('personio', 'document-created.json'))],
    ['employment.created (it accompanies person.created)', { company_id: '1', event_name: 'employment.created', occurred_at: '2025-05-12T08:31:07Z', payload: { id: 'e1' } }],
    ['an absence event', { company_id: '1', event_name: 'absence_period.created', occurred_at: '2025-05-12T08:31:07Z', payload: { id: 'a1' } }],
  ])('produces no event for %s', (_case, body) => {
    // Act
    const events = personioWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body that is not an object', 'person.created', /\(body\)/],
    ['a payload without company_id', { event_name: 'person.created', occurred_at: '2025-05-12T08:31:07Z', payload: { id: '1' } }, /company_id/],
    ['a payload without event_name', { company_id: '1', occurred_at: '2025-05-12T08:31:07Z', payload: { id: '1' } }, /event_name/],
    ['a malformed occurred_at', { company_id: '1', event_name: 'person.created', occurred_at: 'today', payload: { id: '1' } }, /occurred_at/],
    ['a payload that is not an object', { company_id: '1', event_name: 'person.created', occurred_at: '2025-05-12T08:31:07Z', payload: '1' }, /payload/],
    ['a person event without an id', { company_id: '1', event_name: 'person.deleted', occurred_at: '2025-05-12T08:31:07Z', payload: {} }, /payload\.id/],
    ['an employment event without its person', { company_id: '1', event_name: 'employment.terminated', occurred_at: '2025-05-12T08:31:07Z', payload: { id: 'e1' } }, /payload\.person\.id/],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => personioWebhookSource.normalise(body, { messageId: 'm' }));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
