import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { HR_SOURCES, type HrSource } from '../../lib/domain/HrEvent.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { percentEncode } from '../support/percentEncode.js';
import { type RawReply, rawRequest } from '../support/rawRequest.js';
import { snapshotTables } from '../support/snapshotTables.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

/*
 * Property-based fuzzing of the signed HR webhook endpoints (POST /hooks/hr/{source}) over HTTP,
 * against the real local server, for all six sources. For every request: never a 5xx; every 4xx is
 * the JSON error {"error":{"status","message"}} and echoes no secret and no presented signature;
 * and a refused delivery (forged, garbled, missing or mis-timed signature, replay, malformed body,
 * wrong media type, oversized body, unknown source or method) leaves every table exactly as it was.
 * Correctly signed but hostile payloads are accepted (202) or refused (4xx, nothing written), and a
 * batched delivery is applied whole or not at all.
 * fast-check prints the seed and the shrunk counterexample of a failure; replay it with
 * { seed, path } in fc.assert.
 */

/** The webhook handler's body limit (createHrWebhookHandler); the local gateway's own is 10 MiB. */
const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;
/** The endpoint's timestamp window is ±5 minutes; stay clear of its edge whatever the clock does. */
const OUTSIDE_WINDOW_S = 5 * 60 + 15;

const STANDARD_KEY = Buffer.from('standard-webhooks-fuzz-secret-32b');
const WORKDAY_KEY = Buffer.from('workday-studio-fuzz-secret-of-32b');
const SECRETS: Readonly<Record<HrSource, string>> = {
  bamboohr: 'bamboohr-private-key-for-fuzzing',
  hibob: 'hibob-webhook-secret-for-fuzzing',
  personio: 'personio-webhook-token-for-fuzzing',
  rippling: 'rippling-bearer-token-for-fuzzing',
  workday: `whsec_${WORKDAY_KEY.toString('base64')}`,
  standard: `whsec_${STANDARD_KEY.toString('base64')}`,
};
/** Everything a reply must never contain: the secrets, and the keys they encode. */
const SECRET_TEXTS = [...Object.values(SECRETS), STANDARD_KEY.toString('base64'), WORKDAY_KEY.toString('base64'), STANDARD_KEY.toString('utf8'), WORKDAY_KEY.toString('utf8')];
/** Headers that carry a credential: their values must never come back. */
const CREDENTIAL_HEADERS = ['authorization', 'bob-signature', 'x-bamboohr-signature', 'webhook-signature'];

// ---------------------------------------------------------------------------------------------
// Signing, as each vendor does (see README "HR webhooks" and lib/webhooks/<source>)

interface Signing {
  /** Standard Webhooks' webhook-id (standard, workday); the others key deliveries by body hash. */
  readonly id: string;
  /** Unix seconds (bamboohr, standard, workday). */
  readonly timestamp: number;
  /** Another secret than the configured one (a forgery). */
  readonly secret?: string;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const hmac = (algorithm: 'sha256' | 'sha512', key: string | Buffer, text: string, encoding: 'hex' | 'base64'): string => createHmac(algorithm, key).update(text, 'utf8').digest(encoding);
const whsecKey = (secret: string): Buffer => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

function signatureHeaders(source: HrSource, body: string, signing: Signing): Record<string, string> {
  const secret = signing.secret ?? SECRETS[source];
  const timestamp = String(signing.timestamp);
  switch (source) {
    case 'bamboohr':
      return { 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': hmac('sha256', secret, `${body}${timestamp}`, 'hex') };
    case 'hibob':
      return { 'bob-signature': hmac('sha512', secret, body, 'base64') };
    case 'personio':
      return { authorization: secret };
    case 'rippling':
      return { authorization: `Bearer ${secret}` };
    case 'workday':
    case 'standard':
      return { 'webhook-id': signing.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${hmac('sha256', whsecKey(secret), `${signing.id}.${timestamp}.${body}`, 'base64')}` };
  }
}

const contentTypeOf = (source: HrSource): string => (source === 'rippling' ? 'application/x-www-form-urlencoded' : 'application/json');

// ---------------------------------------------------------------------------------------------
// Hostile values

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const specialText = fc.constantFrom('\u0000', '\u202e', '\u200b', '\ufeff', '\u2028', '\uffff', '👩‍👩‍👧‍👦', 'e\u0301', 'İ', 'ß', 'ﬃ', '\u001b[31m', '<script>alert(1)</script>', '${jndi:ldap://x}', '%00', '\\', '"', "'", '\r\n', '&', '=', '+', 'Robert"); DROP TABLE users;--');
const shortNastyString = fc.array(fc.oneof(loneSurrogate, specialText, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join(''));
/** Far past any sane attribute, yet (mostly) inside the 1 MiB body limit so it reaches the payload checks. */
const hugeString = fc.tuple(fc.constantFrom('a', 'é', '😀', 'x@example.com '), fc.integer({ min: 257, max: 200_000 })).map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
const nastyString = fc.oneof({ weight: 4, arbitrary: shortNastyString }, { weight: 1, arbitrary: hugeString });
const anyJson = fc.jsonValue({ maxDepth: 3 });
const wrongValue = fc.oneof(nastyString, anyJson, fc.constantFrom(null, '', ' ', -1, 1.5, 2 ** 53, 1e308, true, [], {}));
/**
 * Mostly well-formed, now and then not. Payloads have up to fifteen fields, so each is rarely wrong:
 * enough deliveries get past validation to reach the directory, and the rest test the validation.
 */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = wrongValue): fc.Arbitrary<unknown> => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: bad });
/** Values the vendor's schema allows but the directory may not: long, odd or hostile text. */
const edgy = <T>(plain: fc.Arbitrary<T>, odd: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => mostly(fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: odd }));
const longText = (min: number, max: number): fc.Arbitrary<string> => fc.tuple(fc.constantFrom('a', 'é', '😀', '\u0000', '"'), fc.integer({ min, max })).map(([unit, length]) => unit.repeat(length));

/** A few employees and addresses, so updates and terminations meet people hires created. */
const employeeId = edgy(fc.constantFrom('E-1', 'E-2', 'E-3', '1001', 1002), fc.oneof(fc.constantFrom('  E-1  ', 0, 2 ** 53, 'E-İ', 'e-1'), longText(200, 256), shortNastyString));
const workEmail = edgy(
  fc.integer({ min: 0, max: 5 }).map((i) => `fuzz-${i}@example.com`),
  fc.oneof(
    fc.constantFrom('not-an-email', 'FUZZ-1@EXAMPLE.COM', ' fuzz-2@example.com ', 'İ@example.com', 'ß@example.com', '@', 'a@b@c'),
    shortNastyString.map((local) => `${local}@example.com`),
    longText(240, 1024).map((local) => `${local}@example.com`),
  ),
);
const text = edgy(fc.string({ maxLength: 20 }), fc.oneof(shortNastyString, longText(900, 1024), hugeString));
const instantGood = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
const dateGood = instantGood.map((iso) => iso.slice(0, 10));
const badDates = fc.oneof(wrongValue, fc.constantFrom('2025-02-30', '2025-02-30T00:00:00Z', '0000-00-00', 'yesterday', '2025-06-01T25:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', 1_700_000_000));
const instant = mostly(instantGood, badDates);
const calendarDate = mostly(dateGood, badDates);
/** A termination now, soon, long ago or far ahead (far ahead is scheduled). */
const effectiveAt = mostly(fc.oneof(instantGood, dateGood, fc.constant(new Date().toISOString().slice(0, 10))), badDates);

const personAttributes = mostly(
  fc.record(
    { workEmail, givenName: text, familyName: text, displayName: text, title: text, department: text, division: text, location: text, employmentType: text, employeeNumber: text, managerEmployeeId: employeeId, managerEmail: workEmail, startDate: calendarDate },
    { requiredKeys: [] },
  ),
  anyJson,
);

// ---------------------------------------------------------------------------------------------
// Payloads per source: the documented shape, mostly (test/fixtures/hr/<source>)

const standardPayload = fc.record(
  {
    type: mostly(fc.constantFrom('employee.hired', 'employee.updated', 'employee.terminated', 'employee.rehired'), fc.oneof(wrongValue, fc.constantFrom('employee.promoted', 'EMPLOYEE.HIRED'))),
    timestamp: instant,
    data: mostly(fc.record({ employeeId, effectiveAt, attributes: personAttributes }, { requiredKeys: ['employeeId'] })),
  },
  { requiredKeys: ['type', 'timestamp', 'data'] },
);

const workdayPayload = fc.record(
  {
    businessProcess: mostly(fc.constantFrom('Hire', 'Contract Contingent Worker', 'Termination', 'End Contingent Worker Contract', 'Change Job', 'Change Business Title', 'Change Legal Name', 'Request Compensation Change')),
    effectiveDate: effectiveAt,
    completedAt: instant,
    worker: mostly(
      fc.record(
        {
          employeeId,
          rehire: mostly(fc.boolean()),
          workerType: text,
          firstName: text,
          lastName: text,
          displayName: text,
          primaryWorkEmail: workEmail,
          businessTitle: text,
          supervisoryOrganization: text,
          company: text,
          location: text,
          employeeType: text,
          managerEmployeeId: employeeId,
          managerWorkEmail: workEmail,
          hireDate: calendarDate,
        },
        { requiredKeys: ['employeeId'] },
      ),
    ),
  },
  { requiredKeys: ['businessProcess', 'effectiveDate', 'worker'] },
);

const hibobPayload = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        companyId: mostly(fc.constantFrom(636192, '636192')),
        type: mostly(fc.constantFrom('employee.created', 'employee.joined', 'employee.updated', 'employee.left', 'employee.deleted', 'employee.activated', 'employee.inactivated', 'table.entry.created')),
        triggeredBy: mostly(fc.constant('3332883804594373380')),
        // Bob writes its times without a zone.
        triggeredAt: mostly(instantGood.map((iso) => iso.replace('Z', '123')), badDates),
        version: mostly(fc.constant('v2')),
        data: mostly(fc.record({ employeeId, email: workEmail }, { requiredKeys: [] })),
      },
      { requiredKeys: ['companyId', 'type', 'triggeredAt', 'data'] },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom({ text: 'Ping test' }, 'Ping test') },
);

const personioPayload = fc.record(
  {
    company_id: mostly(fc.constant('178634')),
    event_name: mostly(fc.constantFrom('person.created', 'person.updated', 'person.deleted', 'employment.started', 'employment.updated', 'employment.terminated', 'document.created')),
    occurred_at: instant,
    payload: mostly(fc.record({ id: employeeId, person_id: employeeId, person: mostly(fc.record({ id: employeeId })) }, { requiredKeys: [] })),
    meta: mostly(fc.constant({})),
  },
  { requiredKeys: ['company_id', 'event_name', 'occurred_at', 'payload'] },
);

const ripplingPayload = fc.record(
  {
    event_name: mostly(fc.constantFrom('employee.hired', 'employee.created', 'employee.updated', 'employee.terminated', 'employee.deleted', 'group.created', 'company.updated')),
    company_id: mostly(fc.constant('656992806f26d6caeaffff9f')),
    company_primary_email: workEmail,
    id: employeeId,
  },
  { requiredKeys: ['event_name', 'company_id'] },
);

const bambooFieldNames = ['First Name', 'Last Name', 'Work Email', 'Job Title', 'Department', 'Division', 'Location', 'Status', 'Employment Status', 'Employment Status: Date', 'Termination Date', 'Hire Date', 'Supervisor EID', 'Employee #', 'Pay Rate', 'jobTitle'];
const bambooFields = mostly(
  fc.record(
    {
      'First Name': text,
      'Last Name': text,
      'Work Email': workEmail,
      'Job Title': text,
      Department: text,
      Location: text,
      Status: mostly(fc.constantFrom('Active', 'Inactive')),
      'Employment Status': mostly(fc.constantFrom('Full-Time', 'Terminated', 'Contractor')),
      'Employment Status: Date': calendarDate,
      'Termination Date': mostly(fc.oneof(dateGood, fc.constant('0000-00-00')), badDates),
      'Hire Date': calendarDate,
      'Supervisor EID': employeeId,
      'Employee #': text,
    },
    { requiredKeys: [] },
  ),
  fc.oneof(anyJson, fc.constant([])),
);
const bambooPayload = fc.oneof(
  fc.record(
    {
      employees: mostly(
        fc.array(
          fc.record(
            {
              id: employeeId,
              action: mostly(fc.constantFrom('Created', 'Updated', 'Deleted')),
              // BambooHR writes offsets without a colon.
              timestamp: mostly(instantGood.map((iso) => iso.replace('Z', '+0000')), badDates),
              changedFields: mostly(fc.subarray(bambooFieldNames)),
              fields: bambooFields,
            },
            { requiredKeys: ['id'] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
      ),
    },
    { requiredKeys: ['employees'] },
  ),
  fc.record(
    {
      type: mostly(fc.constantFrom('employee.created', 'employee.updated', 'employee.deleted', 'employee.rehired')),
      timestamp: mostly(instantGood.map((iso) => iso.replace('Z', '+0000')), badDates),
      data: mostly(fc.record({ companyId: mostly(fc.constant('12345')), employeeId, changedFields: mostly(fc.subarray(bambooFieldNames)) }, { requiredKeys: [] })),
    },
    { requiredKeys: ['type', 'data'] },
  ),
);

const payloads: Readonly<Record<HrSource, fc.Arbitrary<unknown>>> = {
  bamboohr: bambooPayload,
  hibob: hibobPayload,
  personio: personioPayload,
  rippling: ripplingPayload,
  workday: workdayPayload,
  standard: standardPayload,
};

let nonce = 0;
/**
 * The body as the vendor sends it. Sources without a delivery id key deliveries by the body's hash,
 * so a nonce keeps generated deliveries distinct (an unknown key is ignored by every source); a
 * replay is tested on purpose, not by accident.
 */
function encodeBody(source: HrSource, payload: unknown): string {
  nonce += 1;
  if (typeof payload === 'string') return payload;
  if (source === 'rippling' && payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(payload)) form.append(name, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
    form.append('fuzz_nonce', String(nonce));
    return form.toString();
  }
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) return JSON.stringify({ ...payload, fuzz_nonce: nonce });
  return JSON.stringify(payload);
}

const source = fc.constantFrom(...HR_SOURCES);
/** A source and a body it might send, encoded as it would be. */
const delivery = source.chain((name) => payloads[name].map((payload) => ({ source: name, body: encodeBody(name, payload) })));

// ---------------------------------------------------------------------------------------------
// Definitely-wrong signatures, per scheme (each must be a 401 whatever else the request holds)

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';
/**
 * Another character of the alphabet at `at`, so the decoded bytes differ. Base64's last data
 * character (with unused low bits) and its padding are never touched: changing those may spell the
 * same bytes, which is the separate, non-canonical case the unit tests cover.
 */
function flipCharacter(text: string, at: number, alphabet: string): string {
  const limit = alphabet === BASE64 ? Math.max(1, text.replace(/=+$/, '').length - 1) : text.length;
  const i = at % limit;
  const index = alphabet.indexOf(text.charAt(i));
  return `${text.slice(0, i)}${alphabet.charAt((index + 1) % alphabet.length)}${text.slice(i + 1)}`;
}

type Tampering = (request: { source: HrSource; body: string; at: number }) => { body: string; headers: Record<string, string> };

const fresh = (): Signing => ({ id: `fuzz-${++nonce}`, timestamp: nowSeconds() });
const without = (headers: Record<string, string>, name: string): Record<string, string> => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
const withHeader = (headers: Record<string, string>, name: string, value: string): Record<string, string> => ({ ...headers, [name]: value });

const hmacSchemes: Record<'bamboohr' | 'hibob' | 'standard', { header: string; alphabet: string; tamperings: Tampering[] }> = {
  bamboohr: {
    header: 'x-bamboohr-signature',
    alphabet: HEX,
    tamperings: [
      ({ body }) => ({ body, headers: signatureHeaders('bamboohr', body, { ...fresh(), timestamp: nowSeconds() - OUTSIDE_WINDOW_S }) }),
      ({ body, at }) => ({ body, headers: signatureHeaders('bamboohr', body, { ...fresh(), timestamp: nowSeconds() + OUTSIDE_WINDOW_S + (at % 100_000) }) }),
      // The timestamp is signed with the body: changing it within the window breaks the signature.
      ({ body }) => {
        const signing = fresh();
        return { body, headers: withHeader(signatureHeaders('bamboohr', body, signing), 'x-bamboohr-timestamp', String(signing.timestamp - 1)) };
      },
      ({ body }) => ({ body, headers: withHeader(signatureHeaders('bamboohr', body, fresh()), 'x-bamboohr-timestamp', 'yesterday') }),
      ({ body }) => ({ body, headers: without(signatureHeaders('bamboohr', body, fresh()), 'x-bamboohr-timestamp') }),
    ],
  },
  hibob: { header: 'bob-signature', alphabet: BASE64, tamperings: [({ body }) => ({ body, headers: withHeader(signatureHeaders('hibob', body, fresh()), 'bob-signature', hmac('sha256', SECRETS.hibob, body, 'base64')) })] },
  standard: {
    header: 'webhook-signature',
    alphabet: BASE64,
    tamperings: [
      ({ source: name, body }) => ({ body, headers: signatureHeaders(name, body, { ...fresh(), timestamp: nowSeconds() - OUTSIDE_WINDOW_S }) }),
      ({ source: name, body, at }) => ({ body, headers: signatureHeaders(name, body, { ...fresh(), timestamp: nowSeconds() + OUTSIDE_WINDOW_S + (at % 100_000) }) }),
      ({ source: name, body }) => {
        const signing = fresh();
        return { body, headers: withHeader(signatureHeaders(name, body, signing), 'webhook-timestamp', String(signing.timestamp - 1)) };
      },
      ({ source: name, body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), 'webhook-id', `other-${nonce}`) }),
      ({ source: name, body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), 'webhook-timestamp', `${nowSeconds()}abc`) }),
      ({ source: name, body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), 'webhook-timestamp', new Date().toISOString()) }),
      ({ source: name, body }) => ({ body, headers: without(signatureHeaders(name, body, fresh()), 'webhook-id') }),
      // Correctly signed, but an id too long to key the delivery log (it must be refused, not crash it).
      ({ source: name, body, at }) => ({ body, headers: signatureHeaders(name, body, { id: `${'x'.repeat(257 + (at % 4000))}`, timestamp: nowSeconds() }) }),
      ({ source: name, body }) => ({ body, headers: without(signatureHeaders(name, body, fresh()), 'webhook-timestamp') }),
      ({ source: name, body }) => {
        const headers = signatureHeaders(name, body, fresh());
        return { body, headers: withHeader(headers, 'webhook-signature', (headers['webhook-signature'] ?? '').replace(/^v1,/, 'v1a,')) };
      },
      ({ source: name, body }) => {
        const headers = signatureHeaders(name, body, fresh());
        return { body, headers: withHeader(headers, 'webhook-signature', (headers['webhook-signature'] ?? '').replace(/^v1,/, '')) };
      },
      // The other Standard Webhooks source's secret: a valid-looking signature from the wrong sender.
      ({ source: name, body }) => ({ body, headers: signatureHeaders(name, body, { ...fresh(), secret: SECRETS[name === 'standard' ? 'workday' : 'standard'] }) }),
    ],
  },
};

/** Tamperings every HMAC scheme shares: the signature itself garbled, absent, or over other bytes. */
function hmacTamperings(name: 'bamboohr' | 'hibob' | 'standard' | 'workday'): Tampering[] {
  const scheme = hmacSchemes[name === 'workday' ? 'standard' : name];
  const prefix = scheme.header === 'webhook-signature' ? 'v1,' : '';
  const presented = (headers: Record<string, string>): string => (headers[scheme.header] ?? '').slice(prefix.length);
  return [
    ...scheme.tamperings,
    ({ body }) => ({ body, headers: without(signatureHeaders(name, body, fresh()), scheme.header) }),
    ({ body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), scheme.header, '') }),
    ({ body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), scheme.header, '   ') }),
    ({ body, at }) => {
      const headers = signatureHeaders(name, body, fresh());
      return { body, headers: withHeader(headers, scheme.header, `${prefix}${flipCharacter(presented(headers), at, scheme.alphabet)}`) };
    },
    ({ body, at }) => {
      const headers = signatureHeaders(name, body, fresh());
      return { body, headers: withHeader(headers, scheme.header, `${prefix}${presented(headers).slice(0, at % presented(headers).length)}`) };
    },
    ({ body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), scheme.header, `${prefix}${'A'.repeat(10_000)}`) }),
    ({ body }) => ({ body, headers: withHeader(signatureHeaders(name, body, fresh()), scheme.header, `${prefix}not a signature at all!`) }),
    ({ body }) => ({ body, headers: signatureHeaders(name, body, { ...fresh(), secret: name === 'standard' || name === 'workday' ? `whsec_${Buffer.from('a-different-secret').toString('base64')}` : 'a-different-secret' }) }),
    // Signed, then the body changed in transit.
    ({ body, at }) => {
      const headers = signatureHeaders(name, body, fresh());
      const i = at % (body.length + 1);
      return { body: `${body.slice(0, i)} ${body.slice(i)}`, headers };
    },
    ({ body }) => ({ body: `${body}\n`, headers: signatureHeaders(name, body, fresh()) }),
  ];
}

/** Personio and Rippling send a static token, not a signature: tamper with the token. */
function tokenTamperings(name: 'personio' | 'rippling'): Tampering[] {
  const token = SECRETS[name];
  const wrong = ['a-different-token', `${token}x`, token.slice(0, -1), token.toUpperCase(), `${token.slice(0, 8)}`, 'x'.repeat(10_000)];
  const values = [
    // Personio's header is the bare token, Rippling's a Bearer token: each scheme with a wrong token.
    ...wrong.map((value) => (name === 'rippling' ? `Bearer ${value}` : value)),
    // The right token in the wrong scheme.
    name === 'personio' ? `Bearer ${token}` : token,
    `Basic ${Buffer.from(`user:${token}`).toString('base64')}`,
    `Token ${token}`,
    'Bearer',
    `Bearer ${token} ${token}`,
  ];
  return [
    ({ body }) => ({ body, headers: {} }),
    ({ body }) => ({ body, headers: { authorization: '' } }),
    ...values.map((value): Tampering => ({ body }) => ({ body, headers: { authorization: value } })),
  ];
}

const tamperings: Readonly<Record<HrSource, readonly Tampering[]>> = {
  bamboohr: hmacTamperings('bamboohr'),
  hibob: hmacTamperings('hibob'),
  standard: hmacTamperings('standard'),
  workday: hmacTamperings('workday'),
  personio: tokenTamperings('personio'),
  rippling: tokenTamperings('rippling'),
};

// ---------------------------------------------------------------------------------------------
// Definitely-valid deliveries (for replays), one per source

const validEmployee = fc.integer({ min: 0, max: 5 });
const validDelivery = fc.tuple(source, validEmployee).map(([name, n]) => {
  const id = `E-${n}`;
  const email = `fuzz-${n}@example.com`;
  const now = new Date().toISOString();
  const bodies: Record<HrSource, unknown> = {
    standard: { type: 'employee.hired', timestamp: now, data: { employeeId: id, attributes: { workEmail: email, givenName: 'Replay', department: 'Research' } } },
    workday: { businessProcess: 'Hire', effectiveDate: now.slice(0, 10), worker: { employeeId: id, primaryWorkEmail: email, firstName: 'Replay' } },
    hibob: { companyId: 636192, type: 'employee.updated', triggeredAt: now.replace('Z', ''), data: { employeeId: id } },
    personio: { company_id: '178634', event_name: 'person.updated', occurred_at: now, payload: { id } },
    rippling: { event_name: 'employee.updated', company_id: '656992806f26d6caeaffff9f', id },
    bamboohr: { employees: [{ id, action: 'Updated', changedFields: ['Job Title'], fields: { 'Job Title': 'Replayer', 'Work Email': email } }] },
  };
  return { source: name, body: encodeBody(name, bodies[name]) };
});

// ---------------------------------------------------------------------------------------------

// Each property takes seconds; the timeout leaves room for a loaded CI machine.
describe('HR webhooks under hostile input (property-based)', { timeout: 120_000 }, () => {
  let perimeter: TestPerimeter;

  const hookUrl = (path: string): string => `${perimeter.url}/hooks/hr${path}`;

  /** The contract every answer keeps, whatever was sent. */
  const expectWebhookOutcome = (reply: RawReply, what: string, sent: Record<string, string>, method: string, target: string): void => {
    expect(reply.status, `${what} -> ${reply.status} ${reply.text.slice(0, 300)}`).toBeLessThan(500);
    for (const secret of SECRET_TEXTS) expect(reply.text, `${what} echoed a secret`).not.toContain(secret);
    for (const [name, value] of Object.entries(sent)) {
      if (CREDENTIAL_HEADERS.includes(name) && value.trim().length >= 8) expect(reply.text, `${what} echoed ${name}`).not.toContain(value.trim());
    }
    // A HEAD answer has no body to check.
    if (method === 'HEAD') return;
    if (reply.status < 400) {
      expect(reply.status, what).toBe(202);
      expect(reply.json, `${what} -> ${reply.text.slice(0, 300)}`).toMatchObject({ messageId: expect.any(String), events: expect.any(Array) });
      for (const event of reply.json.events) expect(['applied', 'scheduled', 'ignored', 'stale'], `${what} -> ${reply.text.slice(0, 300)}`).toContain(event.outcome);
      return;
    }
    expect(reply.headers.get('content-type'), `${what} -> ${reply.status}`).toMatch(/^application\/json/);
    // A client resolves "/hooks/hr/.." to "/hooks" before sending: the gateway's 404, not the webhook's.
    if (!new URL(target).pathname.startsWith('/hooks/hr')) {
      expect(reply.status, what).toBe(404);
      return;
    }
    expect(reply.json, `${what} -> ${reply.text.slice(0, 300)}`).toEqual({ error: { status: reply.status, message: expect.any(String) } });
    expect(reply.json.error.message.length).toBeGreaterThan(0);
  };

  /** A delivery: if it is refused, every table must be exactly as before. */
  const deliver = async (path: string, body: string | Uint8Array | undefined, headers: Record<string, string>, method = 'POST'): Promise<RawReply> => {
    const before = await snapshotTables(perimeter);
    const reply = await rawRequest(hookUrl(path), { method, headers, ...(body === undefined ? {} : { body }) });
    const what = `${method} ${path.slice(0, 200)} ${JSON.stringify(headers).slice(0, 300)} ${typeof body === 'string' ? body.slice(0, 300) : `<${body?.length ?? 0} bytes>`}`;
    expectWebhookOutcome(reply, what, headers, method, hookUrl(path));
    if (reply.status >= 400) expect(await snapshotTables(perimeter), `${what} was refused with ${reply.status} but wrote`).toEqual(before);
    return reply;
  };

  const signedPost = (name: HrSource, body: string, extra: Record<string, string> = {}): Promise<RawReply> =>
    deliver(`/${name}`, body, { 'content-type': contentTypeOf(name), ...signatureHeaders(name, body, fresh()), ...extra });

  beforeAll(async () => {
    const secrets = new InMemorySecretStore(Object.fromEntries(HR_SOURCES.map((name) => [`hr/${name}`, SECRETS[name]])));
    const config = parsePerimeterConfig({ webhooks: Object.fromEntries(HR_SOURCES.map((name) => [name, { secret: `hr/${name}` }])) }, 'test');
    perimeter = await startTestPerimeter({ config, secrets });
    // People for updates, moves and terminations to find (by HR link, employee number or email).
    for (let n = 0; n < 4; n++) {
      const body = JSON.stringify({ type: 'employee.hired', timestamp: new Date().toISOString(), data: { employeeId: `E-${n}`, attributes: { workEmail: `fuzz-${n}@example.com`, givenName: 'Seed', employeeNumber: String(1000 + n) } } });
      const reply = await signedPost('standard', body);
      expect(reply.status).toBe(202);
    }
  });

  afterAll(async () => {
    await perimeter?.stop();
  });

  it('accepts or refuses any correctly signed payload, hostile content included, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(delivery, async ({ source: name, body }) => {
        await signedPost(name, body);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a forged, garbled, missing or mis-timed signature with 401 and writes nothing', async () => {
    const tampered = fc.tuple(delivery, fc.nat()).chain(([sent, at]) => fc.constantFrom(...tamperings[sent.source]).map((tamper) => ({ name: sent.source, ...tamper({ source: sent.source, body: sent.body, at }) })));
    await fc.assert(
      fc.asyncProperty(tampered, async ({ name, body, headers }) => {
        const reply = await deliver(`/${name}`, body, { 'content-type': contentTypeOf(name), ...headers });
        // A hostile body can grow past the limit, which is checked before any signature (413, by bytes).
        if (Buffer.byteLength(body) > WEBHOOK_MAX_BODY_BYTES) {
          expect(reply.status).toBe(413);
          return;
        }
        expect(reply.status, `${name} ${JSON.stringify(headers).slice(0, 300)}`).toBe(401);
        expect(reply.json.error.message).toBe('Signature verification failed');
      }),
      { numRuns: 100 },
    );
  });

  it('applies a batched delivery whole or not at all', async () => {
    // BambooHR batches employees; one the directory cannot hold must not leave the others applied.
    const employee = fc.integer({ min: 100, max: 140 }).map((n) => ({ id: `B-${n}`, action: 'Created', fields: { 'Work Email': `batch-${n}@example.com`, 'Job Title': 'Engineer' } }));
    const poison = fc.constantFrom({ 'Job Title': 'x'.repeat(150_000) }, { 'Work Email': `${'x'.repeat(300)}@example.com` }, { 'Job Title': '😀'.repeat(40_000) });
    const batch = fc.tuple(fc.array(employee, { minLength: 1, maxLength: 3 }), fc.nat(), employee, poison).map(([valid, at, victim, fields]) => {
      const employees = [...valid];
      employees.splice(at % (valid.length + 1), 0, { ...victim, id: 'B-poison', fields: { ...victim.fields, ...fields } });
      return encodeBody('bamboohr', { employees });
    });
    await fc.assert(
      fc.asyncProperty(batch, async (body) => {
        const reply = await signedPost('bamboohr', body);
        expect(reply.status, reply.text.slice(0, 300)).toBe(400);
      }),
      { numRuns: 15 },
    );
  });

  it('refuses a replayed delivery with 409 and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(validDelivery, fc.boolean(), async ({ source: name, body }, sameSignature) => {
        const signing = fresh();
        const first = await deliver(`/${name}`, body, { 'content-type': contentTypeOf(name), ...signatureHeaders(name, body, signing) });
        expect(first.status, first.text).toBe(202);
        // A captured delivery sent again as is, or re-signed a moment later (a vendor's retry).
        const again = sameSignature ? signing : { id: signing.id, timestamp: signing.timestamp + 1 };
        const replay = await deliver(`/${name}`, body, { 'content-type': contentTypeOf(name), ...signatureHeaders(name, body, again) });
        expect(replay.status, replay.text).toBe(409);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses signed bodies that are not JSON, not an object, or sent as another media type, without writing', async () => {
    const broken = fc.oneof(
      delivery.chain(({ body }) => fc.nat({ max: Math.max(0, body.length - 1) }).map((at) => body.slice(0, at))),
      fc.constantFrom('', ' ', '{', 'nul', 'NaN', "{'a':1}", '{"a":1,}', '[1,]', '\ufeff{"type":"employee.hired"}', '{"a":"\\x41"}', '{"a":01}', '"\\ud800"', '{"a":1}{"b":2}', '1e999999', 'null', '[]', '42', '"text"', 'true'),
      fc.string(),
    );
    // Undecodable UTF-8: the server reads it with replacement characters, and so is it signed.
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((array) => Uint8Array.from([0xff, 0xfe, ...array]));
    const contentType = fc.option(
      fc.oneof(
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', ';', '*/*'),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
      { freq: 5 },
    );
    await fc.assert(
      fc.asyncProperty(source, fc.oneof({ weight: 4, arbitrary: broken }, { weight: 1, arbitrary: bytes }, { weight: 2, arbitrary: delivery.map(({ body }) => body) }), contentType, async (name, body, type) => {
        // Signed over exactly the text the server reads, so the body, not the signature, is what is judged.
        const signedText = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
        const headers = { ...signatureHeaders(name, signedText, fresh()), ...(type === null ? {} : { 'content-type': type }) };
        await deliver(`/${name}`, body, headers);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses bodies over 1 MiB with 413, counting bytes not characters, and writes nothing', async () => {
    const oversized = fc.record({ bytes: fc.integer({ min: WEBHOOK_MAX_BODY_BYTES + 1, max: 3 * WEBHOOK_MAX_BODY_BYTES }), unit: fc.constantFrom('a', '€', '😀'), name: source });
    await fc.assert(
      fc.asyncProperty(oversized, async ({ bytes, unit, name }) => {
        const filler = unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
        const body = JSON.stringify({ type: 'employee.hired', timestamp: new Date().toISOString(), data: { employeeId: 'E-big', attributes: { workEmail: 'big@example.com', title: filler } } });
        const reply = await signedPost(name, body);
        expect(reply.status).toBe(413);
      }),
      { numRuns: 12 },
    );
  });

  it('answers unknown sources, odd paths and other methods with a JSON 404 or 405, and writes nothing', async () => {
    const segment = fc.oneof(
      fc.constantFrom(...HR_SOURCES, 'STANDARD', 'Standard', 'standard ', '%73tandard', 'bamboo', 'okta', 'scim', '..', '%2e%2e', '%2F', '%00', '%', '%E0%A4%A', '%FF', ''),
      fc.constant('x'.repeat(3000)),
      shortNastyString.map(percentEncode),
    );
    const method = fc.constantFrom('POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 3 }), method, delivery, async (segments, verb, { source: name, body }) => {
        const path = segments.length === 0 ? '' : `/${segments.join('/')}`;
        // A configured source at exactly its path with POST is a delivery; everything else must not be.
        // (Judged on the path as sent: a client strips a URL's trailing space and resolves dot segments.)
        const sent = new URL(hookUrl(path)).pathname;
        const isDelivery = verb === 'POST' && HR_SOURCES.some((known) => sent === `/hooks/hr/${known}` || sent === `/hooks/hr/${known}/`);
        const reply = await deliver(path, verb === 'GET' || verb === 'HEAD' ? undefined : body, { 'content-type': contentTypeOf(name), ...signatureHeaders(name, body, fresh()) }, verb);
        if (isDelivery) return;
        // The size limit comes before routing.
        if (reply.status === 413) {
          expect(Buffer.byteLength(body)).toBeGreaterThan(WEBHOOK_MAX_BODY_BYTES);
          return;
        }
        expect([404, 405], `${verb} ${path.slice(0, 200)} -> ${reply.status}`).toContain(reply.status);
        if (reply.status === 405) expect(reply.headers.get('allow')).toBe('POST');
      }),
      { numRuns: 80 },
    );
  });
});
