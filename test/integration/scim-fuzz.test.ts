import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE_USER_SCHEMA, ERROR_SCHEMA, GROUP_SCHEMA, MAX_PAYLOAD_BYTES, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../lib/scim/scimSchemas.js';
import { percentEncode } from '../support/percentEncode.js';
import { type RawReply, rawRequest } from '../support/rawRequest.js';
import { snapshotTables } from '../support/snapshotTables.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

/*
 * Property-based fuzzing of the SCIM API over HTTP, against the real local server. For every
 * request: never a 5xx; every 4xx is an RFC 7644 §3.12 error (schemas, status as a string equal to
 * the HTTP status, a detail) that does not echo the token; and a refused write leaves every table
 * exactly as it was. Valid requests the generators happen to produce may succeed. fast-check prints
 * the seed and the shrunk counterexample of a failure; replay it with { seed, path } in fc.assert.
 */

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
/** Beyond this a URL may be refused by the transport (Node: 431 past 16 KiB of headers). */
const TRANSPORT_URL_LIMIT = 8 * 1024;

// ---------------------------------------------------------------------------------------------
// Hostile strings

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const specialText = fc.constantFrom(
  '\u0000', // NUL
  '\u202e', // right-to-left override
  '\u200b', // zero-width space
  '\ufeff', // byte order mark
  '\u2028',
  '\ufffe',
  '\uffff',
  '👩‍👩‍👧‍👦', // ZWJ emoji sequence
  '🏳️‍🌈',
  'e\u0301', // combining acute
  '\u0301\u0301\u0301\u0301',
  'A\u030a',
  'İ', // lower-cases to two code points
  'ß',
  'ﬃ',
  '\u{1d160}', // expands under NFC
  '\u001b[31m',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '%00',
  '\\',
  '"',
  "'",
  '\r\n',
  'Robert"); DROP TABLE users;--',
);
const shortNastyString = fc.array(fc.oneof(loneSurrogate, specialText, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 10 }).map((parts) => parts.join(''));
const nastyString = fc.oneof(
  { weight: 4, arbitrary: shortNastyString },
  // Overlong: far past any sane attribute length (slicing may split a surrogate pair; so be it).
  { weight: 1, arbitrary: fc.tuple(specialText, fc.integer({ min: 257, max: 40_000 })).map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)) },
);
const anyString = fc.oneof(fc.string(), nastyString);
/** For query strings, which a transport refuses past a few kilobytes. */
const shortString = fc.oneof(fc.string({ maxLength: 30 }), shortNastyString);
const anyJson = fc.jsonValue({ maxDepth: 3 });
/** Mostly well-formed, sometimes not: enough requests get past validation to exercise what follows. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: bad });
const email = fc.tuple(fc.stringMatching(/^[a-z0-9._-]{1,12}$/), fc.constantFrom('example.com', 'EXAMPLE.com', 'xn--bcher-kva.example')).map(([local, domain]) => `${local}@${domain}`);

// ---------------------------------------------------------------------------------------------
// Filters (RFC 7644 §3.4.2.2)

const attributePaths = [
  'userName',
  'USERNAME',
  'displayName',
  'name.givenName',
  'name.familyName',
  'name',
  'emails',
  'emails.value',
  'emails.type',
  'emails.primary',
  'phoneNumbers.value',
  'addresses.locality',
  'active',
  'id',
  'externalId',
  'title',
  'userType',
  'meta.created',
  'meta.lastModified',
  'meta.resourceType',
  'groups',
  'groups.value',
  'members',
  'members.value',
  'members.display',
  `${ENTERPRISE_USER_SCHEMA}:department`,
  `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
  `${ENTERPRISE_USER_SCHEMA}:manager.value`,
  `${ENTERPRISE_USER_SCHEMA}:manager`,
  `${USER_SCHEMA}:userName`,
  `${USER_SCHEMA}:name.givenName`,
  `${GROUP_SCHEMA}:displayName`,
  'urn:example:unknown:2.0:User:thing',
  'nope',
  'name.nope.deeper',
  '$ref',
  'a-b',
  '9lives',
  'emails[type eq "work"]',
];
const validAttribute = fc.constantFrom(...attributePaths.slice(0, 32));
const operator = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Co');
const comparisonValue = fc.oneof(
  fc.string().map((s) => JSON.stringify(s)),
  shortNastyString.map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '42', '-1.5e3', '"2024-01-01T00:00:00Z"', '"not a date"', '""', '"a\\"b"', '"DOMAIN\\\\jo"', '"\\ud800"'),
);

type FilterShapes = {
  filter: string;
  comparison: string;
  present: string;
  logical: string;
  negated: string;
  grouped: string;
  valuePath: string;
};

const { filter: validFilter } = fc.letrec<FilterShapes>((tie) => ({
  filter: fc.oneof({ depthSize: 'small' }, tie('comparison'), tie('present'), tie('logical'), tie('negated'), tie('grouped'), tie('valuePath')),
  comparison: fc.tuple(validAttribute, operator, comparisonValue).map(([attribute, op, value]) => `${attribute} ${op} ${value}`),
  present: validAttribute.map((attribute) => `${attribute} pr`),
  logical: fc.tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('filter')).map(([left, op, right]) => `${left} ${op} ${right}`),
  negated: tie('filter').map((inner) => `not (${inner})`),
  grouped: tie('filter').map((inner) => `(${inner})`),
  valuePath: fc
    .tuple(fc.constantFrom('emails', 'phoneNumbers', 'addresses', 'members', 'groups'), fc.constantFrom('type', 'value', 'primary', 'display'), operator, comparisonValue, fc.option(fc.constantFrom('.value', '.type', '.display')))
    .map(([attribute, sub, op, value, suffix]) => `${attribute}[${sub} ${op} ${value}]${suffix ?? ''}${suffix ? ` eq ${value}` : ''}`),
}));

const filterToken = fc.oneof(
  fc.constantFrom(...attributePaths),
  fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'pr', 'gt', 'ge', 'lt', 'le', 'xx', '==', 'EQ'),
  comparisonValue,
  fc.constantFrom('(', ')', '[', ']', 'and', 'or', 'not', 'NOT', '"', '.', ':', ',', '\\', '\t', '\n', '"unterminated', "'single'"),
  nastyString,
);
const randomTokens = fc.tuple(fc.array(filterToken, { maxLength: 20 }), fc.constantFrom(' ', '', '  ')).map(([tokens, glue]) => tokens.join(glue));

const mutatedFilter = fc.tuple(validFilter, fc.nat(), fc.constantFrom('delete', 'insert', 'truncate', 'duplicate', 'unbalance', 'case'), filterToken).map(([text, at, how, token]) => {
  const i = text.length === 0 ? 0 : at % text.length;
  switch (how) {
    case 'delete':
      return text.slice(0, i) + text.slice(i + 1);
    case 'insert':
      return `${text.slice(0, i)} ${token} ${text.slice(i)}`;
    case 'truncate':
      return text.slice(0, i);
    case 'duplicate':
      return text.slice(0, i) + text.slice(i, i + 10).repeat(3) + text.slice(i);
    case 'unbalance':
      return `${'('.repeat((at % 3) + 1)}${text}${at % 2 === 0 ? '' : ']]'}`;
    default:
      return text.toUpperCase();
  }
});

const longFilter = fc.constantFrom(
  `userName eq "${'a'.repeat(5000)}"`,
  `userName eq "${'a'.repeat(3000)}"`,
  `id eq "${'b'.repeat(3000)}"`,
  `externalId eq "${'c'.repeat(3000)}"`,
  `${'('.repeat(2000)}userName pr${')'.repeat(2000)}`,
  `${'not ('.repeat(600)}userName pr${')'.repeat(600)}`,
  Array.from({ length: 300 }, (_, i) => `userName eq "u${i}"`).join(' or ').slice(0, 4096),
  Array.from({ length: 60 }, () => 'emails[type eq "work"]').join(' and '),
  `emails[${'value pr and '.repeat(300)}value pr]`,
  '['.repeat(4000),
  '"'.repeat(4001),
);

const anyFilter = fc.oneof(
  { weight: 3, arbitrary: validFilter },
  { weight: 3, arbitrary: mutatedFilter },
  { weight: 3, arbitrary: randomTokens },
  { weight: 1, arbitrary: fc.oneof(longFilter, fc.tuple(validAttribute, nastyString).map(([attribute, value]) => `${attribute} eq ${JSON.stringify(value)}`)) },
);

// ---------------------------------------------------------------------------------------------
// Resources and PATCH bodies

const patchPaths = [
  'userName',
  'displayName',
  'name.givenName',
  'name',
  'active',
  'emails',
  'emails.value',
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  'emails[value co "@"].primary',
  'addresses[type eq "work"].locality',
  'phoneNumbers[type eq "mobile"].value',
  'members',
  'members[value eq "x"]',
  'members[value eq "x"].display',
  'groups',
  'id',
  'meta.created',
  'externalId',
  'title',
  ENTERPRISE_USER_SCHEMA,
  `${ENTERPRISE_USER_SCHEMA}:manager`,
  `${ENTERPRISE_USER_SCHEMA}:manager.value`,
  `${ENTERPRISE_USER_SCHEMA}:department`,
  `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
  `${USER_SCHEMA}:name.familyName`,
  `${GROUP_SCHEMA}:displayName`,
  'urn:example:unknown:2.0:User:thing',
  'emails[type eq "work"',
  'emails]',
  'a.b.c.d',
  '',
  ' ',
];
const patchValue = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), email, fc.boolean(), fc.constantFrom('True', 'False')) },
  { weight: 2, arbitrary: fc.array(fc.record({ value: fc.oneof(email, fc.constant('x')), type: fc.constantFrom('work', 'home', 'other'), primary: fc.oneof(fc.boolean(), fc.constant('True')) }, { requiredKeys: ['value'] }), { maxLength: 2 }) },
  { weight: 2, arbitrary: fc.record({ userName: email, displayName: anyString, active: fc.oneof(fc.boolean(), fc.constant('False')), title: fc.string(), [ENTERPRISE_USER_SCHEMA]: fc.record({ department: fc.string(), manager: fc.oneof(fc.constant('x'), fc.record({ value: fc.constant('x') })) }, { requiredKeys: [] }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.constant([{ value: 'x' }]) },
  { weight: 2, arbitrary: fc.oneof(anyJson, anyString, fc.constantFrom(null, 0, -1, 1e308, [], {})) },
);
const patchOperation = fc.record(
  {
    op: mostly(fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'ADD', 'REMOVE'), fc.oneof(fc.constantFrom('move', 'copy', 'test', ''), anyString, anyJson)),
    path: mostly(fc.constantFrom(...patchPaths), fc.oneof(validFilter.map((f) => `emails[${f}].value`), anyString, anyJson)),
    value: patchValue,
  },
  { requiredKeys: ['op'] },
);
const patchBody = fc.oneof(
  { weight: 8, arbitrary: fc.record({ schemas: mostly(fc.constant([PATCH_OP_SCHEMA]), fc.oneof(fc.constant([]), anyJson)), Operations: mostly(fc.array(patchOperation, { minLength: 1, maxLength: 3 }), anyJson) }, { requiredKeys: ['schemas', 'Operations'] }) },
  { weight: 1, arbitrary: anyJson },
);

const userBody = fc
  .tuple(
    fc.record(
      {
        schemas: mostly(fc.constantFrom([USER_SCHEMA], [USER_SCHEMA, ENTERPRISE_USER_SCHEMA]), fc.oneof(fc.constantFrom([], [GROUP_SCHEMA], ['urn:example:unknown:2.0:Thing'], USER_SCHEMA), anyJson)),
        // Often a taken name: the uniqueness check is exercised and the directory stays small.
        userName: mostly(fc.oneof(fc.constantFrom('fuzz-dup@example.com', 'FUZZ-DUP@example.com', 'seed-0@example.com'), email), fc.oneof(fc.constantFrom('', ' '), anyString, anyJson)),
        displayName: mostly(fc.string(), fc.oneof(anyString, anyJson)),
        name: mostly(fc.record({ givenName: fc.string(), familyName: fc.string(), formatted: fc.string() }, { requiredKeys: [] }), anyJson),
        emails: mostly(fc.array(fc.record({ value: email, type: fc.constantFrom('work', 'home'), primary: fc.boolean() }, { requiredKeys: ['value'] }), { maxLength: 2 }), anyJson),
        active: mostly(fc.boolean(), fc.constantFrom('True', 'False', 'yes', 1, 0, null)),
        externalId: mostly(fc.string({ minLength: 1, maxLength: 20 }), fc.oneof(anyString, anyJson)),
        id: anyJson,
        meta: anyJson,
        password: anyString,
        groups: anyJson,
        [ENTERPRISE_USER_SCHEMA]: mostly(fc.record({ department: fc.string(), employeeNumber: fc.string(), manager: fc.oneof(fc.string(), fc.record({ value: fc.string() })) }, { requiredKeys: [] }), anyJson),
        phoneNumbers: mostly(fc.array(fc.record({ value: fc.string(), type: fc.constantFrom('work', 'mobile') }), { maxLength: 2 }), anyJson),
        addresses: mostly(fc.array(fc.record({ locality: fc.string(), country: fc.string(), type: fc.constantFrom('work', 'home') }), { maxLength: 2 }), anyJson),
        title: mostly(fc.string(), anyJson),
        locale: anyString,
        timezone: anyString,
        profileUrl: anyString,
        x509Certificates: anyJson,
      },
      { requiredKeys: ['schemas', 'userName'] },
    ),
    fc.option(fc.dictionary(anyString, anyJson, { maxKeys: 3 }), { freq: 4 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const groupBody = fc
  .tuple(
    fc.record(
      {
        schemas: mostly(fc.constant([GROUP_SCHEMA]), fc.oneof(fc.constantFrom([], [USER_SCHEMA], 'x'), anyJson)),
        displayName: mostly(fc.string({ minLength: 1, maxLength: 20 }), fc.oneof(fc.constantFrom('', ' '), anyString, anyJson)),
        externalId: mostly(fc.string({ minLength: 1, maxLength: 20 }), fc.oneof(anyString, anyJson)),
        members: mostly(fc.array(fc.record({ value: fc.oneof(fc.constant('x'), fc.constant(MISSING_ID)), type: fc.constantFrom('User', 'Group') }, { requiredKeys: ['value'] }), { maxLength: 3 }), fc.oneof(fc.array(fc.record({ value: anyString })), anyJson)),
        id: anyJson,
        meta: anyJson,
      },
      { requiredKeys: ['schemas', 'displayName'] },
    ),
    fc.option(fc.dictionary(anyString, anyJson, { maxKeys: 3 }), { freq: 4 }),
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

const resourceBody = fc.oneof(userBody, groupBody);

// ---------------------------------------------------------------------------------------------

// Each property takes seconds; the timeout leaves room for a loaded CI machine.
describe('SCIM API under hostile input (property-based)', { timeout: 120_000 }, () => {
  let perimeter: TestPerimeter;
  const users: string[] = [];
  const groups: string[] = [];

  const url = (path: string): string => `${perimeter.url}/scim/v2${path}`;
  const auth = { authorization: `Bearer ${TEST_SCIM_TOKEN}` };

  /** The contract every answer keeps, whatever was sent. */
  const expectScimOutcome = (reply: RawReply, what: string, target: string): void => {
    const { pathname } = new URL(target);
    // RFC 7644 §3.7 and §3.11: a provider without /Bulk or /Me MUST answer 501; the only 5xx allowed.
    // Empty segments ("//Bulk") are ignored by the router, so they are here too.
    const unsupported = reply.status === 501 && /^\/scim\/v2\/+(?:Bulk|Me)(?:\/|$)/.test(pathname);
    if (!unsupported) expect(reply.status, `${what} -> ${reply.status} ${reply.text.slice(0, 300)}`).toBeLessThan(500);
    expect(reply.text).not.toContain(TEST_SCIM_TOKEN);
    if (reply.status < 400) return;
    // Node's HTTP parser (like API Gateway's) refuses an over-long request line before any handler.
    if (reply.status === 431 && target.length > TRANSPORT_URL_LIMIT) return;
    // A client resolves "/scim/v2/%2e%2e" to "/scim" before sending: the gateway's 404, not SCIM's.
    if (!pathname.startsWith('/scim/v2')) return expect(reply.json, what).toBeDefined();
    expect(reply.headers.get('content-type'), `${what} -> ${reply.status}`).toMatch(/^application\/scim\+json/);
    expect(reply.json, `${what} -> ${reply.text.slice(0, 300)}`).toMatchObject({ schemas: expect.arrayContaining([ERROR_SCHEMA]), status: String(reply.status), detail: expect.any(String) });
    expect(reply.json.detail.length).toBeGreaterThan(0);
  };

  const read = async (path: string): Promise<RawReply> => {
    const reply = await rawRequest(url(path), { headers: auth });
    expectScimOutcome(reply, `GET ${path.slice(0, 200)}`, url(path));
    return reply;
  };

  const search = async (collection: string, body: string): Promise<RawReply> => {
    const reply = await rawRequest(url(`/${collection}/.search`), { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body });
    expectScimOutcome(reply, `POST /${collection}/.search ${body.slice(0, 300)}`, url(''));
    return reply;
  };

  /** A write: if it is refused, every table must be exactly as before. */
  const write = async (method: string, path: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}): Promise<RawReply> => {
    const before = await snapshotTables(perimeter);
    const reply = await rawRequest(url(path), { method, headers: { ...auth, ...headers }, ...(body === undefined ? {} : { body }) });
    const what = `${method} ${path.slice(0, 200)} ${typeof body === 'string' ? body.slice(0, 300) : `<${body?.length ?? 0} bytes>`}`;
    expectScimOutcome(reply, what, url(path));
    if (reply.status >= 400) expect(await snapshotTables(perimeter), `${what} was refused with ${reply.status} but wrote`).toEqual(before);
    return reply;
  };

  const json = { 'content-type': 'application/scim+json' };
  const target = (): fc.Arbitrary<{ path: string; type: 'User' | 'Group' }> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...users).map((id) => ({ path: `/Users/${id}`, type: 'User' as const })) },
      { weight: 2, arbitrary: fc.constantFrom(...groups).map((id) => ({ path: `/Groups/${id}`, type: 'Group' as const })) },
      { weight: 1, arbitrary: fc.constantFrom({ path: `/Users/${MISSING_ID}`, type: 'User' as const }, { path: `/Groups/${MISSING_ID}`, type: 'Group' as const }) },
    );

  beforeAll(async () => {
    perimeter = await startTestPerimeter();
    for (let i = 0; i < 3; i++) {
      const created = await perimeter.scim('/Users', {
        method: 'POST',
        body: {
          schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
          userName: `seed-${i}@example.com`,
          externalId: `seed-ext-${i}`,
          name: { givenName: 'Seed', familyName: `Number ${i}` },
          emails: [{ value: `seed-${i}@example.com`, type: 'work', primary: true }],
          [ENTERPRISE_USER_SCHEMA]: { department: 'Research', employeeNumber: String(i) },
        },
      });
      users.push(created.body.id);
    }
    for (let i = 0; i < 2; i++) {
      const created = await perimeter.scim('/Groups', { method: 'POST', body: { schemas: [GROUP_SCHEMA], displayName: `seed-group-${i}`, members: [{ value: users[i] }] } });
      groups.push(created.body.id);
    }
  });

  afterAll(async () => {
    await perimeter?.stop();
  });

  it('answers any filter, in a query or a .search body, with results or a 400 invalidFilter', async () => {
    await fc.assert(
      fc.asyncProperty(anyFilter, fc.constantFrom('Users', 'Groups'), fc.boolean(), async (filter, collection, viaSearch) => {
        const reply = viaSearch
          ? await search(collection, JSON.stringify({ schemas: [SEARCH_REQUEST], filter }))
          : await read(`/${collection}?filter=${percentEncode(filter)}`);
        if (reply.status === 400) expect(reply.json.scimType).toBe('invalidFilter');
        else if (reply.status >= 400) expect([413, 431]).toContain(reply.status);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any paging, sorting and projection parameters', async () => {
    const number = fc.oneof(fc.constantFrom('-1', '0', '1', '-99999999999', '99999999999', '1e3', 'abc', '', ' 5', '1.5', '0x10', '+3', '999999999', '1000', '1001', '%00', '١'), fc.integer().map(String), shortString);
    const attributeList = fc.array(mostly(fc.constantFrom(...attributePaths), shortString), { maxLength: 4 }).map((list) => list.join(','));
    const parameters = fc.record(
      {
        startIndex: mostly(fc.integer({ min: -5, max: 50 }).map(String), number),
        count: mostly(fc.integer({ min: -5, max: 1200 }).map(String), number),
        sortBy: mostly(fc.constantFrom(...attributePaths), shortString),
        sortOrder: mostly(fc.constantFrom('ascending', 'descending', 'DESCENDING'), fc.oneof(fc.constantFrom('up', ''), shortString)),
        attributes: attributeList,
        excludedAttributes: attributeList,
        filter: fc.oneof(validFilter, mutatedFilter),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(parameters, fc.constantFrom('Users', 'Groups'), fc.boolean(), async (params, collection, single) => {
        const query = Object.entries(params)
          .map(([name, value]) => `${name}=${percentEncode(String(value))}`)
          .join('&');
        // attributes/excludedAttributes also apply to GET by id.
        const path = single ? (collection === 'Users' ? `/Users/${users[0]}` : `/Groups/${groups[0]}`) : `/${collection}`;
        const reply = await read(`${path}?${query}`);
        if (reply.status === 200 && !single) {
          expect(reply.json.Resources.length).toBeLessThanOrEqual(1000);
          expect(reply.json.startIndex).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses deeply nested JSON (100,000 levels) with 400 and without overflowing the stack', async () => {
    const depth = 100_000;
    const bodies = [
      '['.repeat(depth),
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      `{"schemas":["${USER_SCHEMA}"],"userName":"deep@example.com","name":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      `{"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[{"op":"add","path":"title","value":${'{"v":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}}]}`,
      `{"filter":"userName pr","attributes":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    ];
    for (const body of bodies) {
      for (const [method, path] of [
        ['POST', '/Users'],
        ['PUT', `/Users/${users[0]}`],
        ['PATCH', `/Users/${users[0]}`],
        ['POST', '/Groups/.search'],
      ] as const) {
        const reply = await write(method, path, body, json);
        expect(reply.status, `${method} ${path} ${body.slice(0, 40)}`).toBe(400);
      }
    }
    // The server is still there.
    expect((await read('/ServiceProviderConfig')).status).toBe(200);
  });

  it('refuses bodies over the limit with 413, counting bytes not characters, and writes nothing', async () => {
    const oversized = fc.record({
      bytes: fc.integer({ min: MAX_PAYLOAD_BYTES + 1, max: 3 * MAX_PAYLOAD_BYTES }),
      unit: fc.constantFrom('a', '€', '😀'),
      destination: fc.constantFrom(
        { method: 'POST', path: '/Users' },
        { method: 'PUT', path: `/Users/${MISSING_ID}` },
        { method: 'PATCH', path: `/Users/${MISSING_ID}` },
        { method: 'POST', path: '/Users/.search' },
        { method: 'POST', path: '/Groups' },
      ),
    });
    await fc.assert(
      fc.asyncProperty(oversized, async ({ bytes, unit, destination: { method, path } }) => {
        const unitBytes = Buffer.byteLength(unit);
        const body = JSON.stringify({ schemas: [USER_SCHEMA], userName: 'big@example.com', displayName: unit.repeat(Math.ceil(bytes / unitBytes)) });
        const reply = await write(method, path, body, json);
        expect(reply.status).toBe(413);
      }),
      { numRuns: 12 },
    );
  });

  it('refuses invalid JSON, undecodable bytes and non-JSON media types without writing', async () => {
    const validText = fc.oneof(resourceBody, patchBody).map((value) => JSON.stringify(value));
    const brokenText = fc.oneof(
      fc.tuple(validText, fc.nat()).map(([text, at]) => text.slice(0, at % Math.max(1, text.length))),
      fc.constantFrom('', ' ', '{', '}', 'nul', 'NaN', "{'a':1}", '{"a":1,}', '{"a" 1}', '[1,]', '\ufeff{"userName":"bom@example.com"}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":01}', '"\\ud800"', '{"a":1}{"b":2}', '1e999999'),
      fc.string(),
    );
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((array) => Uint8Array.from([0xff, 0xfe, ...array]));
    const contentType = fc.option(
      fc.oneof(
        fc.constantFrom('application/json', 'application/scim+json', 'application/scim+json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json-patch+json', 'text/json', ';', '*/*', 'json'),
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
      { freq: 5 },
    );
    const destination = fc.constantFrom(['POST', '/Users'], ['POST', '/Groups'], ['PUT', 'USER'], ['PATCH', 'USER'], ['PATCH', 'GROUP'], ['POST', '/Users/.search']);
    await fc.assert(
      fc.asyncProperty(destination, fc.oneof({ weight: 4, arbitrary: brokenText }, { weight: 1, arbitrary: bytes }, { weight: 2, arbitrary: validText }), contentType, async ([method = 'POST', where = '/Users'], body, type) => {
        const path = where === 'USER' ? `/Users/${users[1]}` : where === 'GROUP' ? `/Groups/${groups[1]}` : where;
        const reply = await write(method, path, body, type === null ? {} : { 'content-type': type });
        if (reply.status === 415) expect(type).not.toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('answers unknown, malformed and percent-encoded paths and every method with a SCIM error', async () => {
    const segment = fc.oneof(
      fc.constantFrom('Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', 'Me', 'users', 'USERS', '.search', '..', '%2e%2e', '%2F', '%00', '%', '%E0%A4%A', '%FF', '%C0%AE', MISSING_ID, 'User', 'Group'),
      fc.constantFrom(`${'x'.repeat(3000)}`, `${'%F0%9F%98%80'.repeat(300)}`),
      anyString.map(percentEncode),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 3 }), method, resourceBody, async (segments, verb, body) => {
        const path = `/${segments.join('/')}`;
        await write(verb, path, verb === 'GET' || verb === 'DELETE' || verb === 'OPTIONS' ? undefined : JSON.stringify(body), json);
      }),
      { numRuns: 150 },
    );
  });

  it('applies or refuses any PATCH, and a refused PATCH writes nothing', async () => {
    const ifMatch = fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('W/"999"', '*', 'garbage', '"1"', '') });
    await fc.assert(
      fc.asyncProperty(target(), patchBody, ifMatch, async (where, patch, version) => {
        // "x" stands for a user that exists, so member and manager patches can succeed.
        const text = JSON.stringify(patch).replaceAll('"x"', JSON.stringify(users[2]));
        const reply = await write('PATCH', where.path, text, { ...json, ...(version === null ? {} : { 'if-match': version }) });
        if (reply.status === 200) expect((await read(where.path)).json).toEqual(reply.json);
      }),
      { numRuns: 200 },
    );
  });

  it('creates or refuses any POST and PUT body, and a refused one writes nothing', async () => {
    const request = fc.oneof(
      userBody.map((body) => ({ method: 'POST', path: '/Users', body })),
      groupBody.map((body) => ({ method: 'POST', path: '/Groups', body })),
      fc.tuple(target(), userBody, groupBody).map(([where, user, group]) => ({ method: 'PUT', path: where.path, body: where.type === 'User' ? user : group })),
      fc.tuple(fc.constantFrom('/Users', '/Groups'), anyJson).map(([path, body]) => ({ method: 'POST', path, body })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body }) => {
        const text = JSON.stringify(body).replaceAll('"x"', JSON.stringify(users[1]));
        const reply = await write(method, path, text, json);
        if (reply.status === 200 || reply.status === 201) expect((await read(`/${path.split('/')[1]}/${reply.json.id}`)).json).toEqual(reply.json);
      }),
      { numRuns: 200 },
    );
  });

  it('stores hostile Unicode exactly as sent, or refuses it without writing', async () => {
    await fc.assert(
      fc.asyncProperty(nastyString, fc.constantFrom('userName', 'displayName', 'externalId', 'givenName', 'department'), async (value, attribute) => {
        const body: Record<string, unknown> = { schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], userName: `unicode-${Math.random()}@example.com` };
        if (attribute === 'givenName') body.name = { givenName: value };
        else if (attribute === 'department') body[ENTERPRISE_USER_SCHEMA] = { department: value };
        else body[attribute] = value;
        // JSON.stringify writes a lone surrogate as the escape \udXXX: the JSON text a client sends.
        const created = await write('POST', '/Users', JSON.stringify(body), json);
        if (created.status !== 201) return;
        const stored = await read(`/Users/${created.json.id}`);
        const readBack = attribute === 'givenName' ? stored.json.name?.givenName : attribute === 'department' ? stored.json[ENTERPRISE_USER_SCHEMA]?.department : stored.json[attribute];
        expect(readBack).toBe(value);
        const filter = `userName eq ${JSON.stringify(stored.json.userName)}`;
        const found = await read(`/Users?filter=${percentEncode(filter)}`);
        if (filter.length <= 4096 && url(percentEncode(filter)).length <= TRANSPORT_URL_LIMIT) expect(found.json.totalResults, filter.slice(0, 200)).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves a ledger that still verifies', async () => {
    const verify = await rawRequest(`${perimeter.url}/audit/verify`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    expect(verify.status).toBe(200);
    expect(verify.json).toMatchObject({ intact: true });
  });
});
