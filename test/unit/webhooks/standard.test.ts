import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../lib/domain/HrEvent.js';
import { standardWebhookSource } from '../../../lib/webhooks/standard/StandardWebhookSource.js';
import { WebhookPayloadError } from '../../../lib/webhooks/WebhookPayloadError.js';
import { WebhookSignatureError } from '../../../lib/webhooks/WebhookSignatureError.js';
import { thrown } from '../../support/thrown.js';
import { nonCanonicalBase64 } from './nonCanonicalBase64.js';
import { readHrFixture } from './readHrFixture.js';

const KEY = randomBytes(32);
const SECRET = `whsec_${KEY.toString('base64')}`;
const NOW = new Date('2025-06-02T09:00:10.000Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);
const TOLERANCE_MS = 5 * 60 * 1000;
const MESSAGE_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';

/** The specification's computation, done here with node:crypto and not with the code under test. */
function sign(id: string, timestamp: string, rawBody: string, key: Buffer = KEY): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64')}`;
}

function signedRequest(rawBody: string, timestamp = NOW_SECONDS, signature = sign(MESSAGE_ID, timestamp, rawBody)): WebhookRequest {
  return { rawBody, headers: { 'webhook-id': MESSAGE_ID, 'webhook-timestamp': timestamp, 'webhook-signature': signature } };
}

describe('standardWebhookSource.verify', () => {
  it("verifies the specification's published test vector", () => {
    // Prepare
    const rawBody = readHrFixture('standard', 'spec-test-vector.json');
    const request = {
      rawBody,
      headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
    };

    // Act
    const verified = standardWebhookSource.verify(request, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', new Date(1614265330 * 1000), TOLERANCE_MS);

    // Assess
    expect(verified).toEqual({ messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: new Date(1614265330 * 1000) });
  });

  it('accepts the secret with or without its whsec_ prefix', () => {
    // Prepare
    const rawBody = readHrFixture('standard', 'employee-hired.json');

    // Act
    const prefixed = standardWebhookSource.verify(signedRequest(rawBody), SECRET, NOW, TOLERANCE_MS);
    const bare = standardWebhookSource.verify(signedRequest(rawBody), KEY.toString('base64'), NOW, TOLERANCE_MS);

    // Assess
    expect(prefixed).toEqual({ messageId: MESSAGE_ID, timestamp: new Date(Number(NOW_SECONDS) * 1000) });
    expect(bare).toEqual(prefixed);
  });

  it('uses the base64-decoded secret as the key, not its text', () => {
    // Prepare: a sender that keyed the HMAC with the secret's characters signed something else.
    const rawBody = readHrFixture('standard', 'employee-hired.json');
    const textKeyed = `v1,${createHmac('sha256', SECRET).update(`${MESSAGE_ID}.${NOW_SECONDS}.${rawBody}`).digest('base64')}`;

    // Act
    const error = thrown(() => standardWebhookSource.verify(signedRequest(rawBody, NOW_SECONDS, textKeyed), SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
  });

  it('accepts a header listing several signatures when any one v1 signature matches (secret rotation)', () => {
    // Prepare
    const rawBody = readHrFixture('standard', 'employee-terminated.json');
    const valid = sign(MESSAGE_ID, NOW_SECONDS, rawBody);
    const oldKey = sign(MESSAGE_ID, NOW_SECONDS, rawBody, randomBytes(32));
    const header = [oldKey, `v1a,${valid.slice(3)}`, `v2,${valid.slice(3)}`, valid, oldKey].join(' ');

    // Act
    const verified = standardWebhookSource.verify(signedRequest(rawBody, NOW_SECONDS, header), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(verified.messageId).toBe(MESSAGE_ID);
  });

  it('does not accept a valid signature under another version identifier', () => {
    // Prepare
    const rawBody = readHrFixture('standard', 'employee-terminated.json');
    const valid = sign(MESSAGE_ID, NOW_SECONDS, rawBody);

    // Act
    const error = thrown(() => standardWebhookSource.verify(signedRequest(rawBody, NOW_SECONDS, `v1a,${valid.slice(3)} v2,${valid.slice(3)}`), SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
  });

  it('accepts a timestamp just inside the tolerance, on both sides', () => {
    // Prepare
    const rawBody = readHrFixture('standard', 'employee-updated.json');
    const earliest = String(Number(NOW_SECONDS) - 300);
    const latest = String(Number(NOW_SECONDS) + 300);

    // Act
    const old = standardWebhookSource.verify(signedRequest(rawBody, earliest), SECRET, NOW, TOLERANCE_MS);
    const early = standardWebhookSource.verify(signedRequest(rawBody, latest), SECRET, NOW, TOLERANCE_MS);

    // Assess
    expect(old.timestamp).toEqual(new Date(Number(earliest) * 1000));
    expect(early.timestamp).toEqual(new Date(Number(latest) * 1000));
  });

  const rawBody = readHrFixture('standard', 'employee-terminated.json');
  const signed = signedRequest(rawBody);
  const without = (name: string): WebhookRequest => ({ rawBody, headers: { ...signed.headers, [name]: undefined } });

  it.each<[string, WebhookRequest]>([
    ['a signature made with another secret', signedRequest(rawBody, NOW_SECONDS, sign(MESSAGE_ID, NOW_SECONDS, rawBody, randomBytes(32)))],
    ['a signature for a body one byte different', { rawBody: rawBody.replace('E-1001', 'E-1002'), headers: signed.headers }],
    ['a signature for another message id', { rawBody, headers: { ...signed.headers, 'webhook-id': 'msg_other' } }],
    ['a signature for another timestamp', signedRequest(rawBody, NOW_SECONDS, sign(MESSAGE_ID, String(Number(NOW_SECONDS) - 1), rawBody))],
    ['a missing webhook-id header', without('webhook-id')],
    ['a missing webhook-timestamp header', without('webhook-timestamp')],
    ['a missing webhook-signature header', without('webhook-signature')],
    ['a signature without its version', signedRequest(rawBody, NOW_SECONDS, sign(MESSAGE_ID, NOW_SECONDS, rawBody).slice(3))],
    ['an empty v1 signature', signedRequest(rawBody, NOW_SECONDS, 'v1,')],
    ['a truncated signature', signedRequest(rawBody, NOW_SECONDS, sign(MESSAGE_ID, NOW_SECONDS, rawBody).slice(0, 20))],
    ['a non-canonical base64 spelling of the right signature', signedRequest(rawBody, NOW_SECONDS, `v1,${nonCanonicalBase64(sign(MESSAGE_ID, NOW_SECONDS, rawBody).slice(3))}`)],
    ['a hex signature', signedRequest(rawBody, NOW_SECONDS, `v1,${createHmac('sha256', KEY).update(`${MESSAGE_ID}.${NOW_SECONDS}.${rawBody}`).digest('hex')}`)],
    ['a timestamp in milliseconds', signedRequest(rawBody, String(NOW.getTime()))],
    ['a timestamp that is not a number', signedRequest(rawBody, '2025-06-02T09:00:10Z')],
    ['a timestamp with trailing text', signedRequest(rawBody, `${NOW_SECONDS}abc`)],
    ['a stale timestamp', signedRequest(rawBody, String(Number(NOW_SECONDS) - 301))],
    ['a timestamp in the future', signedRequest(rawBody, String(Number(NOW_SECONDS) + 301))],
  ])('rejects %s with WebhookSignatureError', (_case, request) => {
    // Act
    const error = thrown(() => standardWebhookSource.verify(request, SECRET, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(KEY.toString('base64'));
    expect((error as Error).message).not.toContain(sign(MESSAGE_ID, NOW_SECONDS, rawBody).slice(3));
  });

  it.each([
    ['a secret that is not base64', 'whsec_not base64!'],
    ['an empty secret', 'whsec_'],
  ])('refuses every delivery when the configured secret is %s', (_case, secret) => {
    // Act
    const error = thrown(() => standardWebhookSource.verify(signed, secret, NOW, TOLERANCE_MS));

    // Assess
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(secret.slice(6) === '' ? 'whsec_x' : secret.slice(6));
  });
});

describe('standardWebhookSource.normalise', () => {
  const delivery = { messageId: MESSAGE_ID, timestamp: NOW };

  it('maps employee.hired to a hire with every attribute and its start date as effectiveAt', () => {
    // Act
    const events = standardWebhookSource.normalise(JSON.parse(readHrFixture('standard', 'employee-hired.json')), delivery);

    // Assess
    expect(events).toEqual([
      {
        source: 'standard',
        messageId: MESSAGE_ID,
        kind: 'hire',
        employeeId: 'E-1001',
        effectiveAt: '2025-06-16',
        occurredAt: '2025-06-02T09:00:00.000Z',
        attributes: {
          workEmail: 'ada.lovelace@example.com',
          givenName: 'Ada',
          familyName: 'Lovelace',
          displayName: 'Ada Lovelace',
          title: 'Analyst',
          department: 'Research',
          division: 'R&D',
          location: 'London',
          employmentType: 'Full-Time',
          employeeNumber: '1001',
          managerEmployeeId: 'E-0007',
          managerEmail: 'charles.babbage@example.com',
          startDate: '2025-06-16',
        },
      },
    ]);
  });

  it('maps employee.updated to an update with only the attributes sent, effective now', () => {
    // Act
    const events = standardWebhookSource.normalise(JSON.parse(readHrFixture('standard', 'employee-updated.json')), delivery);

    // Assess
    expect(events).toEqual([
      { source: 'standard', messageId: MESSAGE_ID, kind: 'update', employeeId: 'E-1001', occurredAt: '2025-09-01T08:00:00.000Z', attributes: { title: 'Senior Analyst', department: 'Engines' } },
    ]);
  });

  it('maps employee.terminated to terminate with its future effective instant', () => {
    // Act
    const events = standardWebhookSource.normalise(JSON.parse(readHrFixture('standard', 'employee-terminated.json')), delivery);

    // Assess
    expect(events).toEqual([
      { source: 'standard', messageId: MESSAGE_ID, kind: 'terminate', employeeId: 'E-1001', effectiveAt: '2025-11-28T17:00:00.000Z', occurredAt: '2025-11-14T17:30:00.000Z', attributes: {} },
    ]);
  });

  it('maps employee.rehired to a rehire', () => {
    // Act
    const events = standardWebhookSource.normalise(JSON.parse(readHrFixture('standard', 'employee-rehired.json')), delivery);

    // Assess
    expect(events).toEqual([
      {
        source: 'standard',
        messageId: MESSAGE_ID,
        kind: 'rehire',
        employeeId: 'E-1001',
        effectiveAt: '2026-03-16',
        occurredAt: '2026-03-02T09:00:00.000Z',
        attributes: { workEmail: 'ada.lovelace@example.com', startDate: '2026-03-16' },
      },
    ]);
  });

  it('produces no event for a type Perimeter does not use, such as the specification example', () => {
    // Act
    const events = standardWebhookSource.normalise(JSON.parse(readHrFixture('standard', 'spec-example-event.json')), delivery);

    // Assess
    expect(events).toEqual([]);
  });

  it.each([
    ['a body that is not an object', null, /\(body\)/],
    ['a payload without type', { timestamp: '2025-06-02T09:00:00Z', data: { employeeId: '1' } }, /type/],
    ['a payload without timestamp', { type: 'employee.hired', data: { employeeId: '1' } }, /timestamp/],
    ['a payload without employeeId', { type: 'employee.hired', timestamp: '2025-06-02T09:00:00Z', data: {} }, /data\.employeeId/],
    ['an impossible effective date', { type: 'employee.terminated', timestamp: '2025-06-02T09:00:00Z', data: { employeeId: '1', effectiveAt: '2025-02-30' } }, /data\.effectiveAt/],
    ['an attribute that is not text', { type: 'employee.updated', timestamp: '2025-06-02T09:00:00Z', data: { employeeId: '1', attributes: { title: 7 } } }, /data\.attributes\.title/],
    ['a start date that is not a date', { type: 'employee.hired', timestamp: '2025-06-02T09:00:00Z', data: { employeeId: '1', attributes: { startDate: 'Monday' } } }, /data\.attributes\.startDate/],
  ])('rejects %s with WebhookPayloadError naming the field', (_case, body, field) => {
    // Act
    const error = thrown(() => standardWebhookSource.normalise(body, delivery));

    // Assess
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect((error as Error).message).toMatch(field);
  });
});
