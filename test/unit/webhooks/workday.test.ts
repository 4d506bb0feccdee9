import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { workdayWebhookSource } from '../../../lib/webhooks/workday/WorkdayWebhookSource.js';
import { thrown } from '../../support/thrown.js';
import { readHrFixture } from './readHrFixture.js';

const KEY = randomBytes(24);
const SECRET = `whsec_${KEY.toString('base64')}`;
const NOW = new Date('2025-12-01T15:30:20.000Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);
const TOLERANCE_MS = 5 * 60 * 1000;
/** The Workday event's WID, which the integration sends as the webhook-id. */
const EVENT_WID = '3aa5550b7fe348b98d7b5741afc65534';

/** Standard Webhooks' computation, done here with node:crypto and not with the code under test. */
function sign(rawBody: string, timestamp = NOW_SECONDS, id = EVENT_WID, key: Buffer = KEY): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64')}`;
}

function signedRequest(rawBody: string, timestamp = NOW_SECONDS): WebhookRequest {
  return { rawBody, headers: { 'webhook-id': EVENT_WID, 'webhook-timestamp': timestamp, 'webhook-signature': sign(rawBody, timestamp) } };
}

function normaliseFixture(name: string): ReturnType<typeof workdayWebhookSource.normalise> {
  return workdayWebhookSource.normalise(JSON.parse(readHrFixture('workday', name)), { messageId: EVENT_WID, timestamp: NOW });
}

describe('workdayWebhookSource.verify (Standard Webhooks, adopted because Workday signs nothing)', () => {
  it("accepts the integration's signature and uses the Workday event id as the message id", () => {
    // Prepare
    const rawBody = readHrFixture('workday', 'termination.json');

    // Act
    const verified = workdayWebhookSource.verify(signedRequest(rawBody), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: EVENT_WID, timestamp: new Date(Number(NOW_SECONDS) * 1000) });
  });

  it('accepts any one matching signature among several', () => {
    // Prepare
    const rawBody = readHrFixture('workday', 'termination.json');
    const request = { rawBody, headers: { ...signedRequest(rawBody).headers, 'webhook-signature': `${sign(rawBody, NOW_SECONDS, EVENT_WID, randomBytes(24))} ${sign(rawBody)}` } };

    // Act
    const verified = workdayWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified.messageId).toBe(EVENT_WID);
  });

  const rawBody = readHrFixture('workday', 'termination.json');
  const signed = signedRequest(rawBody);

  it.each<[string, WebhookRequest]>([
    ['a signature made with another secret', { rawBody, headers: { ...signed.headers, 'webhook-signature': sign(rawBody, NOW_SECONDS, EVENT_WID, randomBytes(24)) } }],
    ['a signature for a body one byte different', { rawBody: rawBody.replace('2025-12-19', '2025-12-29'), headers: signed.headers }],
    ['a missing webhook-signature header', { rawBody, headers: { ...signed.headers, 'webhook-signature': undefined } }],
    ['a missing webhook-id header', { rawBody, headers: { ...signed.headers, 'webhook-id': undefined } }],
    ['a Basic-authenticated delivery with no signature', { rawBody, headers: { authorization: `Basic ${Buffer.from('isu_perimeter:pass').toString('base64')}` } }],
    ['a malformed signature header', { rawBody, headers: { ...signed.headers, 'webhook-signature': 'sha256=abcdef' } }],
    ['a malformed timestamp header', { rawBody, headers: { ...signed.headers, 'webhook-timestamp': 'now' } }],
    ['a stale timestamp', signedRequest(rawBody, String(Number(NOW_SECONDS) - 301))],
    ['a timestamp in the future', signedRequest(rawBody, String(Number(NOW_SECONDS) + 301))],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => workdayWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(KEY.toString('base64'));
  });
});

describe('workdayWebhookSource.normalise', () => {
  it('maps Hire to a hire with the worker attributes and the hire date as effectiveAt', () => {
    // Act
    const events = normaliseFixture('hire.json');

    // Assess
    expect(events).toEqual([
      {
        source: 'workday',
        messageId: EVENT_WID,
        kind: 'hire',
        employeeId: '21001',
        effectiveAt: '2025-07-01',
        occurredAt: '2025-06-20T22:04:05.000Z',
        attributes: {
          workEmail: 'logan.mcneil@example.com',
          givenName: 'Logan',
          familyName: 'McNeil',
          displayName: 'Logan McNeil',
          title: 'Vice President, Human Resources',
          department: 'Human Resources',
          division: 'Global Modern Services, Inc. (USA)',
          location: 'San Francisco',
          employmentType: 'Regular',
          employeeNumber: '21001',
          managerEmployeeId: '21000',
          managerEmail: 'maria.cardoza@example.com',
          startDate: '2025-07-01',
        },
      },
    ]);
  });

  it("maps a Hire Workday flags as a rehire to a rehire", () => {
    // Act
    const events = normaliseFixture('rehire.json');

    // Assess
    expect(events).toEqual([expect.objectContaining({ kind: 'rehire', employeeId: '21001', effectiveAt: '2026-02-02' })]);
    expect(events[0]?.attributes).toMatchObject({ title: 'Director, Talent', department: 'Talent Acquisition', location: 'Chicago', startDate: '2026-02-02' });
  });

  it('maps Termination to terminate with its effective date, which lies after the process completed', () => {
    // Act
    const events = normaliseFixture('termination.json');

    // Assess
    expect(events).toEqual([
      {
        source: 'workday',
        messageId: EVENT_WID,
        kind: 'terminate',
        employeeId: '21001',
        effectiveAt: '2025-12-19',
        occurredAt: '2025-12-01T15:30:00.000Z',
        attributes: { workEmail: 'logan.mcneil@example.com', givenName: 'Logan', familyName: 'McNeil', employmentType: 'Employee', employeeNumber: '21001', timezone: 'America/Chicago' },
      },
    ]);
  });

  it('refuses a worker time zone that is not an IANA name, as a payload error', () => {
    const body = JSON.parse(readHrFixture('workday', 'termination.json')) as { worker: Record<string, unknown> };
    body.worker.timeZone = 'GMT-06:00 Central Time (US & Canada)';
    expect(() => workdayWebhookSource.normalise(body, { messageId: EVENT_WID, timestamp: NOW })).toThrow(/IANA time zone/);
  });

  it('maps End Contingent Worker Contract to terminate', () => {
    // Act
    const events = normaliseFixture('end-contingent-worker-contract.json');

    // Assess
    expect(events).toEqual([expect.objectContaining({ kind: 'terminate', employeeId: 'C-3042', effectiveAt: '2025-08-29', attributes: expect.objectContaining({ employmentType: 'Contractor' }) })]);
  });

  it('maps Change Job to an update effective on its date', () => {
    // Act
    const events = normaliseFixture('change-job.json');

    // Assess
    expect(events).toEqual([
      {
        source: 'workday',
        messageId: EVENT_WID,
        kind: 'update',
        employeeId: '21001',
        effectiveAt: '2025-10-01',
        occurredAt: '2025-09-24T10:00:00.000Z',
        attributes: {
          title: 'Senior Vice President, Human Resources',
          department: 'Executive Management',
          location: 'New York',
          employmentType: 'Employee',
          employeeNumber: '21001',
          managerEmployeeId: '20001',
          managerEmail: 'steve.morgan@example.com',
        },
      },
    ]);
  });

  it.each([
    ['a compensation change', JSON.parse(readHrFixture('workday', 'request-compensation-change.json'))],
    ['a business process with no worker at all', { businessProcess: 'Request Time Off' }],
  ])('produces no event for %s', (_case, body) => {
    // Act
    const events = workdayWebhookSource.normalise(body, { messageId: EVENT_WID });

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body that is not an object', 'Hire', /\(body\)/],
    ['a document without businessProcess', { effectiveDate: '2025-07-01', worker: { employeeId: '1' } }, /businessProcess/],
    ['a Hire without effectiveDate', { businessProcess: 'Hire', worker: { employeeId: '1' } }, /effectiveDate/],
    ['a Termination without worker', { businessProcess: 'Termination', effectiveDate: '2025-07-01' }, /worker/],
    ['a worker without employeeId', { businessProcess: 'Termination', effectiveDate: '2025-07-01', worker: {} }, /worker\.employeeId/],
    ['a rehire flag that is not a boolean', { businessProcess: 'Hire', effectiveDate: '2025-07-01', worker: { employeeId: '1', rehire: 'yes' } }, /worker\.rehire/],
    ['an effective date in another format', { businessProcess: 'Termination', effectiveDate: '19/12/2025', worker: { employeeId: '1' } }, /effectiveDate/],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => workdayWebhookSource.normalise(body, { messageId: EVENT_WID }));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
