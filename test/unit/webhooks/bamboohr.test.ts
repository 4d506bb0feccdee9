import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bambooHrWebhookSource } from '../../../lib/webhooks/bamboohr/BambooHrWebhookSource.js';
import type { VerifiedDelivery, WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';
import { readHrFixture } from './readHrFixture.js';

const SECRET = 'bhr_private_key_1b0c2e7f9a4d';
const NOW = new Date('2026-01-31T18:42:00.000Z');
const TOLERANCE_MS = 5 * 60 * 1000;
const NOW_SECONDS = String(NOW.getTime() / 1000);

/** BambooHR's documented computation, done here with node:crypto and not with the code under test. */
function sign(rawBody: string, timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(rawBody + timestamp).digest('hex');
}

function signedRequest(rawBody: string, timestamp = NOW_SECONDS): WebhookRequest {
  return { rawBody, headers: { 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': sign(rawBody, timestamp), 'content-type': 'application/json' } };
}

function delivery(rawBody: string): VerifiedDelivery {
  return { messageId: createHash('sha256').update(rawBody).digest('hex') };
}

function normaliseFixture(name: string): ReturnType<typeof bambooHrWebhookSource.normalise> {
  const rawBody = readHrFixture('bamboohr', name);
  return bambooHrWebhookSource.normalise(JSON.parse(rawBody), delivery(rawBody));
}

describe('bambooHrWebhookSource.verify', () => {
  it('accepts the documented signature and identifies the delivery by the SHA-256 of its body', () => {
    // Prepare
    const rawBody = readHrFixture('bamboohr', 'field-based-updated.json');

    // Act
    const verified = bambooHrWebhookSource.verify(signedRequest(rawBody), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: createHash('sha256').update(rawBody).digest('hex'), timestamp: NOW });
  });

  it('accepts an upper-case hex signature and an ISO 8601 timestamp header', () => {
    // Prepare
    const rawBody = readHrFixture('bamboohr', 'event-based-updated.json');
    const timestamp = '2026-01-31T18:40:00+0000';
    const request = { rawBody, headers: { 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': sign(rawBody, timestamp).toUpperCase() } };

    // Act
    const verified = bambooHrWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified.timestamp).toEqual(new Date('2026-01-31T18:40:00Z'));
  });

  it('accepts a timestamp just inside the tolerance, on both sides', () => {
    // Prepare
    const rawBody = readHrFixture('bamboohr', 'field-based-updated.json');
    const earliest = String(NOW.getTime() / 1000 - 300);
    const latest = String(NOW.getTime() / 1000 + 300);

    // Act
    const verify = (timestamp: string): unknown => bambooHrWebhookSource.verify(signedRequest(rawBody, timestamp), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verify(earliest)).toMatchObject({ timestamp: new Date(NOW.getTime() - TOLERANCE_MS) });
    expect(verify(latest)).toMatchObject({ timestamp: new Date(NOW.getTime() + TOLERANCE_MS) });
  });

  const rawBody = readHrFixture('bamboohr', 'field-based-updated.json');
  const changedByte = rawBody.replace('Bryony', 'Bryonz');

  it.each<[string, WebhookRequest]>([
    ['a signature made with another key', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': sign(rawBody, NOW_SECONDS, 'another-key') } }],
    ['a signature for a body one byte different', { rawBody: changedByte, headers: signedRequest(rawBody).headers }],
    ['a signature for another timestamp', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': sign(rawBody, String(Number(NOW_SECONDS) - 1)) } }],
    ['a missing signature header', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS } }],
    ['a missing timestamp header', { rawBody, headers: { 'x-bamboohr-signature': sign(rawBody, NOW_SECONDS) } }],
    ['a blank signature header', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': '  ' } }],
    ['a signature that is not hex', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': `${sign(rawBody, NOW_SECONDS).slice(0, 63)}g` } }],
    ['a truncated signature', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': sign(rawBody, NOW_SECONDS).slice(0, 62) } }],
    ['a base64 signature', { rawBody, headers: { 'x-bamboohr-timestamp': NOW_SECONDS, 'x-bamboohr-signature': Buffer.from(sign(rawBody, NOW_SECONDS), 'hex').toString('base64') } }],
    ['a malformed timestamp', { rawBody, headers: { 'x-bamboohr-timestamp': 'yesterday', 'x-bamboohr-signature': sign(rawBody, 'yesterday') } }],
    ['a stale timestamp', signedRequest(rawBody, String(Number(NOW_SECONDS) - 301))],
    ['a timestamp in the future', signedRequest(rawBody, String(Number(NOW_SECONDS) + 301))],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => bambooHrWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(SECRET);
    const presented = request.headers['x-bamboohr-signature'];
    if (presented !== undefined && presented.trim() !== '') expect((error as Error).message).not.toContain(presented);
  });
});

describe('bambooHrWebhookSource.normalise', () => {
  it('turns the documented field-based update into an update carrying the posted fields', () => {
    // Act
    const events = normaliseFixture('field-based-updated.json');

    // Assess
    expect(events).toEqual([
      {
        source: 'bamboohr',
        messageId: `${delivery(readHrFixture('bamboohr', 'field-based-updated.json')).messageId}:0`,
        kind: 'update',
        employeeId: '12345',
        occurredAt: '2026-01-31T18:42:00.000Z',
        attributes: { givenName: 'Bryony' },
      },
    ]);
  });

  it('maps a job change to an update with every posted attribute, and a batch to one event per employee', () => {
    // Prepare
    const rawBody = readHrFixture('bamboohr', 'field-based-job-change.json');

    // Act
    const events = normaliseFixture('field-based-job-change.json');

    // Assess
    const messageId = delivery(rawBody).messageId;
    expect(events).toEqual([
      {
        source: 'bamboohr',
        messageId: `${messageId}:0`,
        kind: 'update',
        employeeId: '12345',
        occurredAt: '2026-04-01T07:30:00.000Z',
        attributes: {
          employeeNumber: '1042',
          givenName: 'Bryony',
          familyName: 'Hardy',
          workEmail: 'bryony.hardy@example.com',
          title: 'Senior Account Executive',
          department: 'Sales',
          division: 'North America',
          location: 'Salt Lake City, Utah',
          employmentType: 'Full-Time',
          startDate: '2021-04-12',
          managerEmployeeId: '5',
          managerEmail: 'ashley.adams@example.com',
        },
      },
      {
        source: 'bamboohr',
        messageId: `${messageId}:1`,
        kind: 'update',
        employeeId: '12347',
        occurredAt: '2026-04-01T07:30:00.000Z',
        attributes: { givenName: 'Charlotte', familyName: 'Abbott', location: 'Lindon, Utah' },
      },
    ]);
  });

  it('leaves out blank and non-text fields, so an empty value never clears what Perimeter knows', () => {
    // Prepare
    const body = {
      employees: [{ id: '8', action: 'Updated', changedFields: ['Job Title'], fields: { 'Job Title': '  Buyer ', Department: '', Division: null, Location: { name: 'x' }, 'Employee #': 17 } }],
    };

    // Act
    const events = bambooHrWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([{ source: 'bamboohr', messageId: 'm:0', kind: 'update', employeeId: '8', attributes: { title: 'Buyer', employeeNumber: '17' } }]);
  });

  it('maps a termination to terminate with its future Termination Date as effectiveAt', () => {
    // Act
    const [event, ...rest] = normaliseFixture('field-based-terminated.json');

    // Assess
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ kind: 'terminate', employeeId: '12345', effectiveAt: '2026-03-31', occurredAt: '2026-02-20T16:05:00.000Z' });
    // "Terminated" is not a kind of employment, so it does not overwrite employmentType.
    expect(event?.attributes).toEqual({ givenName: 'Bryony', familyName: 'Hardy', workEmail: 'bryony.hardy@example.com' });
  });

  it('falls back to the Employment Status date when no Termination Date is posted', () => {
    // Prepare
    const body = {
      employees: [{ id: '7', action: 'Updated', changedFields: ['Employment Status'], fields: { 'Employment Status': 'Terminated', 'Employment Status: Date': '2026-06-30' } }],
    };

    // Act
    const events = bambooHrWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([{ source: 'bamboohr', messageId: 'm:0', kind: 'terminate', employeeId: '7', effectiveAt: '2026-06-30', attributes: {} }]);
  });

  it('maps Status becoming Active again to a rehire, ignoring the 0000-00-00 empty date', () => {
    // Act
    const events = normaliseFixture('field-based-rehired.json');

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'rehire', employeeId: '12345' });
    expect(events[0]?.effectiveAt).toBeUndefined();
    expect(events[0]?.attributes).toEqual({
      givenName: 'Bryony',
      familyName: 'Hardy',
      workEmail: 'bryony.hardy@example.com',
      employmentType: 'Full-Time',
      startDate: '2026-09-01',
    });
  });

  it('maps a Created entry to a hire and a Deleted entry to a leaver', () => {
    // Prepare
    const deleted = { employees: [{ id: 12349, action: 'Deleted', changedFields: [], fields: [] }] };

    // Act
    const created = normaliseFixture('field-based-created.json');
    const removed = bambooHrWebhookSource.normalise(deleted, { messageId: 'm' });

    // Assess
    expect(created).toEqual([expect.objectContaining({ kind: 'hire', employeeId: '12346', attributes: {}, occurredAt: '2026-02-02T09:15:00.000Z' })]);
    expect(removed).toEqual([{ source: 'bamboohr', messageId: 'm:0', kind: 'terminate', employeeId: '12349', attributes: {} }]);
  });

  it.each([
    ['event-based-created.json', 'hire'],
    ['event-based-updated.json', 'update'],
    ['event-based-deleted.json', 'terminate'],
  ])('maps the event-based %s to %s, without attributes (the payload carries none)', (fixture, kind) => {
    // Prepare
    const rawBody = readHrFixture('bamboohr', fixture);

    // Act
    const events = normaliseFixture(fixture);

    // Assess
    expect(events).toEqual([
      { source: 'bamboohr', messageId: delivery(rawBody).messageId, kind, employeeId: '67890', occurredAt: '2026-01-31T18:42:00.000Z', attributes: {} },
    ]);
  });

  it.each([
    ['a field-based change to pay only', JSON.parse(readHrFixture('bamboohr', 'field-based-pay-change.json'))],
    ['an event-based change to pay only', { type: 'employee.updated', data: { employeeId: '1', changedFields: ['payRate'] } }],
    ['an event type Perimeter does not use', { type: 'employee.photo_uploaded', data: { employeeId: '1' } }],
    ['an unused event type whose data has no employee', { type: 'company.updated', data: { companyId: '12345' } }],
    ['an empty batch', { employees: [] }],
  ])('produces no event for %s', (_case, body) => {
    // Act
    const events = bambooHrWebhookSource.normalise(body, { messageId: 'm' });

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body that is not an object', 'employees', /\(body\)/],
    ['an employee without an id', { employees: [{ action: 'Updated', changedFields: [], fields: {} }] }, /employees\[0\]\.id/],
    ['an unknown action', { employees: [{ id: '1', action: 'Archived' }] }, /employees\[0\]\.action/],
    ['changedFields that is not a list', { employees: [{ id: '1', changedFields: 'Status' }] }, /employees\[0\]\.changedFields/],
    ['an event without data', { type: 'employee.created' }, /data/],
    ['an event with a malformed timestamp', { type: 'employee.created', timestamp: 'last tuesday', data: { employeeId: '1' } }, /timestamp/],
    [
      'a termination date that is not a date',
      { employees: [{ id: '1', changedFields: ['Status'], fields: { Status: 'Inactive', 'Termination Date': '31/03/2026' } }] },
      /employees\[0\]\.fields\["Termination Date"\]/,
    ],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => bambooHrWebhookSource.normalise(body, { messageId: 'm' }));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
