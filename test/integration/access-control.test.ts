import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../functions/admin-api/routeAdminRequest.js';
import { AUDIT_ROUTES } from '../../functions/audit-api/routeAuditRequest.js';
import { hashToken } from '../../lib/auth/hashToken.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { ERROR_SCHEMA, GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../../lib/scim/scimSchemas.js';
import { TOKEN_SECRETS } from '../../local/resolveLocalTokens.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { type MemoryApp, memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { percentEncode } from '../support/percentEncode.js';
import { type RawReply, rawRequest } from '../support/rawRequest.js';
import { snapshotTables } from '../support/snapshotTables.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

/*
 * Access control on every route of the admin, audit and SCIM APIs, the console and the HR webhooks,
 * over HTTP against the real local server. The admin and audit routes come from the routers' own
 * tables (ADMIN_ROUTES, AUDIT_ROUTES), so a route added there is swept here without editing this
 * file; SCIM authenticates every path below /scim/v2, so its routes are listed and any other path is
 * fuzzed. Each route is called without a token, with malformed Authorization headers, with a wrong
 * token and with the tokens of the other APIs, and must answer 401 with the API's Bearer challenge
 * (error="invalid_token" when a bearer token was presented, RFC 6750 §3.1), its error body, no token
 * echoed, and no table changed. The project has no 403: an under-privileged token (an auditor's on
 * /admin) is not a token of that API, and every refusal is the same 401 so a caller learns nothing.
 */

const AUDITOR_TOKEN = 'auditor-token-0123456789abcdef';
/** An auditor token whose notAfter has passed (a retired token, README "SCIM and admin tokens"). */
const RETIRED_AUDITOR_TOKEN = 'retired-auditor-token-0123456789';
const PERSONIO_TOKEN = 'personio-webhook-token-0123456789';
const RIPPLING_TOKEN = 'rippling-webhook-token-0123456789';
const ALL_SECRETS = [TEST_SCIM_TOKEN, TEST_ADMIN_TOKEN, AUDITOR_TOKEN, RETIRED_AUDITOR_TOKEN, PERSONIO_TOKEN, RIPPLING_TOKEN];
/** Beyond this a URL may be refused by the transport (Node: 431 past 16 KiB of headers). */
const TRANSPORT_URL_LIMIT = 8 * 1024;
/** Ids that exist, so that a request let through by mistake would really change something. */
const PERSON = 'PERSON';
const GROUP = 'GROUP';
const APP = 'chat';

type ApiName = 'admin' | 'audit' | 'scim';

interface Api {
  readonly name: ApiName;
  readonly prefix: string;
  readonly realm: string;
  /** A token this API accepts (for the malformed variants of a good token). */
  readonly ownToken: string;
  /** Tokens of other APIs, or retired ones, that this API must refuse. */
  readonly foreignTokens: Readonly<Record<string, string>>;
}

const APIS: Readonly<Record<ApiName, Api>> = {
  admin: { name: 'admin', prefix: '/admin', realm: 'perimeter-admin', ownToken: TEST_ADMIN_TOKEN, foreignTokens: { 'the SCIM token': TEST_SCIM_TOKEN, "an auditor's token": AUDITOR_TOKEN, 'a webhook token': PERSONIO_TOKEN } },
  audit: { name: 'audit', prefix: '/audit', realm: 'perimeter-audit', ownToken: AUDITOR_TOKEN, foreignTokens: { 'the SCIM token': TEST_SCIM_TOKEN, "a retired auditor's token": RETIRED_AUDITOR_TOKEN, 'a webhook token': RIPPLING_TOKEN } },
  scim: { name: 'scim', prefix: '/scim/v2', realm: 'perimeter-scim', ownToken: TEST_SCIM_TOKEN, foreignTokens: { 'the admin token': TEST_ADMIN_TOKEN, "an auditor's token": AUDITOR_TOKEN, 'a webhook token': PERSONIO_TOKEN } },
};

interface Credential {
  readonly name: string;
  readonly headers: Record<string, string>;
  /** Appended to the path (RFC 6750 §2.3's access_token, which Perimeter does not accept). */
  readonly query?: string;
  /** Whether a bearer token was presented, so the challenge must say error="invalid_token". */
  readonly presentsToken: boolean;
}

/** Every way to fail to authenticate to `api`. */
function credentials(api: Api): Credential[] {
  const own = api.ownToken;
  const header = (name: string, value: string, presentsToken: boolean): Credential => ({ name, headers: { authorization: value }, presentsToken });
  return [
    { name: 'no Authorization header', headers: {}, presentsToken: false },
    header('an empty header', '', false),
    header('whitespace only', '   ', false),
    header('the scheme alone', 'Bearer', false),
    header('the scheme and spaces', 'Bearer    ', false),
    header('Basic with junk', 'Basic xyz', false),
    header('Basic carrying the right token', `Basic ${Buffer.from(`admin:${own}`).toString('base64')}`, false),
    header('another scheme with the right token', `Token ${own}`, false),
    header('the right token without a scheme', own, false),
    header('the right token after a tab', `Bearer\t${own}`, false),
    header('the right token twice', `Bearer ${own} ${own}`, false),
    header('the right token in a list', `Bearer ${own}, Bearer ${own}`, false),
    header('the right token with a character more', `Bearer ${own}x`, true),
    header('the right token truncated', `Bearer ${own.slice(0, -1)}`, true),
    header('the right token in upper case', `Bearer ${own.toUpperCase()}`, true),
    header('a wrong token', 'Bearer prm_admin_wrongwrongwrongwrongwrongwrong', true),
    header('a very long token', `Bearer ${'a'.repeat(6000)}`, true),
    header('a token outside ASCII', 'Bearer tök\u00e9n-\u00ff\u00fe', true),
    { name: 'the right token in another header', headers: { 'x-api-key': own, 'proxy-authorization': `Bearer ${own}` }, presentsToken: false },
    { name: 'the right token in the query', headers: {}, query: `access_token=${encodeURIComponent(own)}`, presentsToken: false },
    ...Object.entries(api.foreignTokens).map(([name, token]) => header(name, `Bearer ${token}`, true)),
  ];
}

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

/** A route pattern with its parameters filled with ids that exist. */
const fill = (path: string): string =>
  path
    .replace(/\/persons\/:id/, `/persons/${PERSON}`)
    .replace(/\/connectors\/:id/, `/connectors/${APP}`)
    .replace(/:app/, APP)
    .replace(/:entitlement/, 'group:eng')
    .replace(/:id/, 'step-1');

const json = (value: unknown): string => JSON.stringify(value);

describe('access control on every route', { timeout: 60_000 }, () => {
  const apps = new Map<string, MemoryApp>();
  let perimeter: TestPerimeter;
  const ids: Record<string, string> = {};

  const resolve = (text: string): string => text.replaceAll(PERSON, ids.person ?? PERSON).replaceAll(GROUP, ids.group ?? GROUP);

  /** The admin calls: each listed route, with a body that would change something if let through. */
  const adminCalls = (): Call[] =>
    ADMIN_ROUTES.map((route) => {
      const [method = '', path = ''] = route.split(' ');
      const body = path === '/plan' ? json({ personId: PERSON }) : path === '/reconcile' ? json({ fix: true }) : method === 'GET' ? undefined : '{}';
      return { method, path: resolve(fill(path)), ...(body === undefined ? {} : { body: resolve(body), contentType: 'application/json' }) };
    });

  /** The audit calls: each listed route, read, and written to (which must be a 401 too, not a 405). */
  const auditCalls = (): Call[] =>
    AUDIT_ROUTES.flatMap((route) => {
      const path = resolve(fill(route.split(' ')[1] ?? ''));
      return [{ method: 'GET', path }, { method: 'HEAD', path }, { method: 'POST', path, body: '{}', contentType: 'application/json' }];
    });

  /** The SCIM calls: every endpoint README "SCIM 2.0 service provider" names, discovery included. */
  const scimCalls = (): Call[] => {
    const scim = 'application/scim+json';
    const user = json({ schemas: [USER_SCHEMA], userName: 'intruder@example.com', active: true });
    const group = json({ schemas: [GROUP_SCHEMA], displayName: 'intruders', members: [{ value: ids.person }] });
    const patch = json({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] });
    const search = json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName pr' });
    const calls: Call[] = [];
    for (const [collection, id, body] of [
      ['Users', ids.person, user],
      ['Groups', ids.group, group],
    ] as const) {
      calls.push(
        { method: 'GET', path: `/${collection}` },
        { method: 'GET', path: `/${collection}?filter=${percentEncode('userName pr')}` },
        { method: 'POST', path: `/${collection}`, body, contentType: scim },
        { method: 'POST', path: `/${collection}/.search`, body: search, contentType: scim },
        { method: 'GET', path: `/${collection}/${id}` },
        { method: 'PUT', path: `/${collection}/${id}`, body, contentType: scim },
        { method: 'PATCH', path: `/${collection}/${id}`, body: patch, contentType: scim },
        { method: 'DELETE', path: `/${collection}/${id}` },
      );
    }
    for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/User', '/Schemas', `/Schemas/${USER_SCHEMA}`, '/Bulk', '/Me', '']) calls.push({ method: 'GET', path });
    calls.push({ method: 'POST', path: '/Bulk', body: '{}', contentType: scim });
    return calls;
  };

  const send = async (api: Api, call: Call, credential: Credential): Promise<RawReply> => {
    const query = credential.query ? `${call.path.includes('?') ? '&' : '?'}${credential.query}` : '';
    return rawRequest(`${perimeter.url}${api.prefix}${call.path}${query}`, {
      method: call.method,
      headers: { ...credential.headers, ...(call.contentType ? { 'content-type': call.contentType } : {}) },
      ...(call.body === undefined ? {} : { body: call.body }),
    });
  };

  /** A refusal as the API must give it: 401, the API's challenge, its error body, nothing echoed. */
  const expectRefused = (api: Api, call: Call, credential: Credential, reply: RawReply): void => {
    const what = `${call.method} ${api.prefix}${call.path.slice(0, 120)} with ${credential.name} -> ${reply.status} ${reply.text.slice(0, 200)}`;
    expect(reply.status, what).toBe(401);
    expect(reply.headers.get('www-authenticate'), what).toBe(`Bearer realm="${api.realm}"${credential.presentsToken ? ', error="invalid_token"' : ''}`);
    for (const secret of [...ALL_SECRETS, ...Object.values(credential.headers).filter((value) => value.trim().length >= 8)]) {
      expect(reply.text, `${what} echoed a credential`).not.toContain(secret.trim());
      for (const [name, value] of reply.headers) if (name !== 'www-authenticate') expect(value, `${what} echoed a credential in ${name}`).not.toContain(secret.trim());
    }
    // A HEAD answer has no body to check.
    if (call.method === 'HEAD') return;
    if (api.name === 'scim') {
      expect(reply.headers.get('content-type'), what).toMatch(/^application\/scim\+json/);
      expect(reply.json, what).toEqual({ schemas: [ERROR_SCHEMA], status: '401', detail: expect.any(String) });
    } else {
      expect(reply.headers.get('content-type'), what).toMatch(/^application\/json/);
      expect(reply.json, what).toEqual({ error: { status: 401, message: expect.any(String) } });
    }
  };

  /** Sends every credential to one call, and proves that none of them changed any table. */
  const sweep = async (api: Api, call: Call): Promise<void> => {
    const before = await snapshotTables(perimeter);
    for (const credential of credentials(api)) expectRefused(api, call, credential, await send(api, call, credential));
    expect(await snapshotTables(perimeter), `${call.method} ${api.prefix}${call.path} wrote without authentication`).toEqual(before);
  };

  beforeAll(async () => {
    const secrets = new InMemorySecretStore({
      [TOKEN_SECRETS.auditor]: json({ tokens: [{ label: 'auditor-1', sha256: hashToken(AUDITOR_TOKEN) }, { label: 'auditor-0', sha256: hashToken(RETIRED_AUDITOR_TOKEN), notAfter: '2020-01-01T00:00:00Z' }] }),
      'hr/personio': PERSONIO_TOKEN,
      'hr/rippling': RIPPLING_TOKEN,
    });
    const config = parsePerimeterConfig(
      {
        connectors: [{ id: APP, type: 'memory' }],
        policy: { rules: [{ id: 'everyone-chat', when: {}, grant: [{ app: APP }] }] },
        webhooks: { personio: { secret: 'hr/personio' }, rippling: { secret: 'hr/rippling' } },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, secrets, registry: new Map([['memory', memoryConnectorDefinition(apps)]]) });
    const user = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER_SCHEMA], userName: 'ada@example.com', displayName: 'Ada Lovelace' } });
    const group = await perimeter.scim('/Groups', { method: 'POST', body: { schemas: [GROUP_SCHEMA], displayName: 'engineers', members: [{ value: user.body.id }] } });
    ids.person = user.body.id;
    ids.group = group.body.id;
    await perimeter.queue.drained();
  });

  afterAll(async () => {
    await perimeter?.stop();
  });

  it('lets each API in with its own tokens (so the refusals below mean something)', async () => {
    // Act
    const replies = await Promise.all([
      rawRequest(`${perimeter.url}/admin/connectors`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
      rawRequest(`${perimeter.url}/audit/persons/${ids.person}`, { headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } }),
      rawRequest(`${perimeter.url}/audit/matrix`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
      rawRequest(`${perimeter.url}/scim/v2/Users/${ids.person}`, { headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}` } }),
      rawRequest(`${perimeter.url}/scim/v2/ServiceProviderConfig`, { headers: { authorization: `bearer   ${TEST_SCIM_TOKEN}  ` } }),
    ]);

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    expect(replies[1]?.json.person.userName).toBe('ada@example.com');
  });

  it('sweeps a route table that names every admin and audit endpoint', () => {
    // Assess: the tables are the routers' own (their switches are exhaustive over them); here they
    // must only hold what README "Admin API" and "Evidence for auditors" list, once each.
    expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(11);
    expect(AUDIT_ROUTES.length).toBeGreaterThanOrEqual(14);
    expect(new Set(ADMIN_ROUTES).size).toBe(ADMIN_ROUTES.length);
    expect(new Set(AUDIT_ROUTES).size).toBe(AUDIT_ROUTES.length);
  });

  it('refuses every admin route without an admin token: no token, malformed, wrong, SCIM or auditor token', async () => {
    for (const call of adminCalls()) await sweep(APIS.admin, call);
  });

  it('refuses every audit route without an auditor or admin token, for reads and writes alike', async () => {
    for (const call of auditCalls()) await sweep(APIS.audit, call);
  });

  it('refuses every SCIM endpoint, discovery included, without the SCIM token (the admin token too)', async () => {
    for (const call of scimCalls()) await sweep(APIS.scim, call);
  });

  it('refuses any path and method under /admin, /audit and /scim/v2 before routing it', async () => {
    const segment = fc.oneof(
      fc.constantFrom('plan', 'connectors', APP, 'persons', 'lockout', 'dead-letters', 'replay', 'checkpoint', 'reconcile', 'rotate', 'events', 'apps', 'matrix', 'export', 'verify', 'Users', 'Groups', 'Me', 'Bulk', '.search', '%2e%2e', '..', '%2F', '%00', '%', '%E0%A4%A', 'x'.repeat(3000)),
      fc.constant(PERSON),
      fc.string({ maxLength: 12 }).map(percentEncode),
    );
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
    const request = fc.record({ api: fc.constantFrom<ApiName>('admin', 'audit', 'scim'), segments: fc.array(segment, { maxLength: 5 }), method, credential: fc.nat(), withBody: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(request, async ({ api: name, segments, method: verb, credential: index, withBody }) => {
        const api = APIS[name];
        const cases = credentials(api);
        const credential = cases[index % cases.length] as Credential;
        const call: Call = { method: verb, path: resolve(segments.length === 0 ? '' : `/${segments.join('/')}`), ...(withBody && verb !== 'GET' && verb !== 'HEAD' ? { body: '{"fix":true}', contentType: 'application/json' } : {}) };
        const url = `${perimeter.url}${api.prefix}${call.path}`;
        const before = await snapshotTables(perimeter);
        const reply = await send(api, call, credential);
        expect(await snapshotTables(perimeter), `${verb} ${url.slice(0, 200)} wrote`).toEqual(before);
        // A client resolves ".." before sending, and Node refuses over-long request headers: neither reaches an API.
        const headerBytes = url.length + Object.values(credential.headers).join('').length;
        if (!new URL(url).pathname.startsWith(api.prefix) || (reply.status === 431 && headerBytes > TRANSPORT_URL_LIMIT)) {
          expect([404, 431], `${verb} ${url.slice(0, 200)}`).toContain(reply.status);
          for (const secret of ALL_SECRETS) expect(reply.text).not.toContain(secret);
          return;
        }
        expectRefused(api, call, credential, reply);
      }),
      { numRuns: 300 },
    );
  });

  it('serves the console shell and its assets to anyone, nothing else under /console, and no data', async () => {
    // Prepare
    const get = (path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawReply> => rawRequest(`${perimeter.url}${path}`, init);
    const before = await snapshotTables(perimeter);

    // Act
    const shell = await get('/console');
    const script = await get('/console/app.js');
    const style = await get('/console/app.css');
    const withToken = await get('/console', { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const head = await get('/console', { method: 'HEAD' });
    // Not followed: the redirect itself is the answer.
    const slash = await fetch(`${perimeter.url}/console/`, { redirect: 'manual' });
    const post = await get('/console', { method: 'POST' });
    const others = await Promise.all(['/console/index.html', '/console/app.js.map', '/console/static/app.js', '/console/secrets.json', '/console/..%2Fadmin', '/console/%2e%2e/admin/connectors'].map((path) => get(path)));

    // Assess: public, static, the same for everyone, holding nothing about anyone
    expect([shell.status, script.status, style.status, withToken.status, head.status, slash.status, post.status]).toEqual([200, 200, 200, 200, 200, 308, 405]);
    expect(withToken.text).toBe(shell.text);
    for (const reply of [shell, script, style, ...others]) {
      for (const secret of ALL_SECRETS) expect(reply.text).not.toContain(secret);
      expect(reply.text).not.toContain(ids.person);
      expect(reply.text).not.toContain('ada@example.com');
    }
    expect(others.map((reply) => reply.status)).toEqual([404, 404, 404, 404, 404, 401]);
    expect(await snapshotTables(perimeter)).toEqual(before);
  });

  it('has no other public route: no health or status page, nothing outside the five prefixes', async () => {
    // Act
    const paths = ['/', '/health', '/healthz', '/status', '/metrics', '/.env', '/scim', '/scim/v1/Users', '/adminx', '/auditor', '/hooks', '/hooks/h', '/console.json', '/ADMIN/connectors', '/%61dmin/connectors'];
    const replies = await Promise.all(paths.map((path) => rawRequest(`${perimeter.url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })));

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual(paths.map(() => 404));
    for (const reply of replies) {
      expect(reply.json).toBeDefined();
      expect(reply.text).not.toContain(ids.person);
    }
  });

  it('does not let any API token authenticate an HR webhook', async () => {
    // Prepare: Personio and Rippling authenticate with the Authorization header too
    const body = 'event_name=employee.terminated&company_id=1&id=E-1';
    const before = await snapshotTables(perimeter);

    // Act
    const replies: RawReply[] = [];
    for (const source of ['personio', 'rippling', 'standard']) {
      for (const token of [TEST_SCIM_TOKEN, TEST_ADMIN_TOKEN, AUDITOR_TOKEN]) {
        for (const authorization of [`Bearer ${token}`, token]) {
          replies.push(await rawRequest(`${perimeter.url}/hooks/hr/${source}`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body }));
        }
      }
    }

    // Assess: configured sources refuse the signature, the unconfigured one does not exist
    expect(replies.map((reply) => reply.status)).toEqual([...Array(12).fill(401), ...Array(6).fill(404)]);
    for (const reply of replies) for (const secret of ALL_SECRETS) expect(reply.text).not.toContain(secret);
    expect(await snapshotTables(perimeter)).toEqual(before);
  });

  it('dispatches every listed admin route, and no other', async () => {
    // Prepare: ids that do not exist, and bodies that change nothing, so the calls have no effect
    const admin = (method: string, path: string, body?: string): Promise<RawReply> =>
      rawRequest(`${perimeter.url}/admin${path}`, { method, headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body }) });
    const notRouted = (reply: RawReply): boolean => reply.status === 404 && /^No admin endpoint/.test(reply.json?.error?.message ?? '');

    // Act
    const listed = await Promise.all(
      ADMIN_ROUTES.map(async (route) => {
        const [method = '', path = ''] = route.split(' ');
        const reply = await admin(method, path.replace(':id', 'no-such-id'), path === '/reconcile' ? json({ app: 'no-such-app' }) : method === 'POST' ? '{}' : undefined);
        return [route, reply] as const;
      }),
    );
    const unlisted = await Promise.all(
      ['GET /plan', 'POST /connectors', 'GET /connectors/chat', 'POST /connectors/chat/delete', 'POST /persons/x', 'GET /persons/x/lockout', 'POST /persons/x/lockout/extra', 'PUT /checkpoint', 'GET /', 'GET /dead-letters/x', 'POST /plan/x'].map((route) => {
        const [method = '', path = ''] = route.split(' ');
        return admin(method, path, method === 'GET' ? undefined : '{}');
      }),
    );

    // Assess
    for (const [route, reply] of listed) {
      expect(notRouted(reply), `${route} -> ${reply.status} ${reply.text.slice(0, 200)}`).toBe(false);
      expect(reply.status, route).toBeLessThan(500);
    }
    expect(unlisted.map(notRouted)).toEqual(unlisted.map(() => true));
  });

  it('dispatches every listed audit route, and no other', async () => {
    // Prepare
    const audit = (path: string, method = 'GET'): Promise<RawReply> => rawRequest(`${perimeter.url}/audit${path}`, { method, headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
    const notRouted = (reply: RawReply): boolean => reply.status === 404 && /^No audit endpoint/.test(reply.json?.error?.message ?? '');

    // Act
    const listed = await Promise.all(
      AUDIT_ROUTES.map(async (route) => {
        const path = resolve(fill(route.split(' ')[1] ?? ''));
        return [route, await audit(path === '/export' ? `${path}?format=jsonl` : path)] as const;
      }),
    );
    const unlisted = await Promise.all(['', '/nothing', `/persons/${ids.person}/events/extra`, `/persons/${ids.person}/access/more`, `/apps/${APP}`, `/apps/${APP}/entitlements`, `/apps/${APP}/entitlements/x`, '/matrix/x', '/export/csv'].map((path) => audit(path)));
    const written = await audit('/verify', 'POST');

    // Assess
    for (const [route, reply] of listed) {
      expect(reply.status, `${route} -> ${reply.status} ${reply.text.slice(0, 200)}`).toBe(200);
    }
    expect(unlisted.map(notRouted)).toEqual(unlisted.map(() => true));
    expect(written.status).toBe(405);
  });
});
