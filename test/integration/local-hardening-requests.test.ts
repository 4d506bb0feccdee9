import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MAX_BODY_BYTES } from '../../functions/admin-api/createAdminHandler.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { jsonErrorResponse } from '../../lib/http/jsonErrorResponse.js';
import { silentLogger } from '../../lib/observability/createJsonLogger.js';
import { MAX_PAYLOAD_BYTES } from '../../lib/scim/scimSchemas.js';
import { createLocalServer, type LocalRoute } from '../../local/createLocalServer.js';
import { requireBearerHeader } from '../../local/requireBearerHeader.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { openRawSocket, type RawSocket } from '../support/rawSocket.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

/** One chunk of a chunked body: 64 KiB of JSON-ish text. */
const CHUNK_DATA = Buffer.alloc(64 * 1024, 'a');
const CHUNK = Buffer.concat([Buffer.from(`${CHUNK_DATA.length.toString(16)}\r\n`), CHUNK_DATA, Buffer.from('\r\n')]);
/** Far more than any route's limit plus what the kernel's socket buffers on loopback can hold. */
const ENOUGH = 64 * 1024 * 1024;

function requestHead(method: string, path: string, headers: Record<string, string>): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

function statusOf(head: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
}

/** The answer's body as JSON, de-chunked when it came chunked. */
function bodyOf(socket: RawSocket): unknown {
  const text = socket.received();
  let rest = text.slice(text.indexOf('\r\n\r\n') + 4);
  if (!/transfer-encoding: chunked/i.test(text.slice(0, text.indexOf('\r\n\r\n')))) return JSON.parse(rest);
  let body = '';
  for (let size = Number.parseInt(rest, 16); size > 0; size = Number.parseInt(rest, 16)) {
    const start = rest.indexOf('\r\n') + 2;
    body += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
  return JSON.parse(body);
}

/** Local mode spends nothing on a request it will refuse, and bounds what clients can hold. */
describe('local-mode request limits', () => {
  const secrets = new InMemorySecretStore({ 'hr/standard': `whsec_${Buffer.from('standard-webhooks-test-secret-32b').toString('base64')}` });
  let perimeter: TestPerimeter;
  const sockets: RawSocket[] = [];
  const open = async (): Promise<RawSocket> => {
    const socket = await openRawSocket(perimeter.url);
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    const config = parsePerimeterConfig({ connectors: [], webhooks: { standard: { secret: 'hr/standard' } } }, 'test');
    perimeter = await startTestPerimeter({ config, secrets });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.socket.destroy();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('answers 413 in the SCIM error schema while an endless chunked body is still arriving, and closes the connection', async () => {
    // Act
    const socket = await open();
    socket.socket.write(requestHead('POST', '/scim/v2/Users', { authorization: `Bearer ${TEST_SCIM_TOKEN}`, 'content-type': 'application/scim+json', 'transfer-encoding': 'chunked' }));
    const written = await socket.writeUntilClosed(CHUNK, ENOUGH);

    // Assert: refused and cut off long before the client stopped sending (it never would)
    await socket.closed;
    expect(written).toBeLessThan(ENOUGH);
    expect(written).toBeGreaterThan(MAX_PAYLOAD_BYTES);
    const head = await socket.head;
    expect(statusOf(head)).toBe(413);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(bodyOf(socket)).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413', detail: `Request body exceeds the limit of ${MAX_PAYLOAD_BYTES} bytes` });
  });

  it('answers 413 to a Content-Length over the route limit without waiting for the body', async () => {
    // Act: the head alone; the body is never sent
    const socket = await open();
    socket.socket.write(requestHead('POST', '/admin/plans/preview', { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': String(ADMIN_MAX_BODY_BYTES + 1) }));
    const head = await socket.head;
    await socket.closed;

    // Assert
    expect(statusOf(head)).toBe(413);
    expect(bodyOf(socket)).toEqual({ error: { status: 413, message: `Request body exceeds the limit of ${ADMIN_MAX_BODY_BYTES} bytes` } });
  });

  it('refuses a request without a bearer token (SCIM, admin, audit) or an HR delivery without its signature before reading its body', async () => {
    // Act: each declares a body it never sends; only a refusal made from the head can answer
    const refusals: { status: number; challenge: string | undefined; body: unknown }[] = [];
    for (const [path, headers] of [
      ['/scim/v2/Users', {}],
      ['/scim/v2/Users', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['/admin/plans/preview', {}],
      ['/audit/verify', {}],
      ['/hooks/hr/standard', { 'webhook-id': 'msg-1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) }],
    ] as const) {
      const socket = await open();
      socket.socket.write(requestHead('POST', path, { ...headers, 'content-type': 'application/json', 'content-length': '1000' }));
      const head = await socket.head;
      await socket.closed;
      refusals.push({ status: statusOf(head), challenge: /www-authenticate: (.*)/i.exec(head)?.[1], body: bodyOf(socket) });
    }

    // The console's static files stay open to anyone, and a request with credentials goes through
    const console = await fetch(`${perimeter.url}/console/`);
    const created = await perimeter.scim('/Users', { method: 'POST', body: { userName: 'within-limits@example.com' } });

    // Assert: the same answers the handlers give, in each API's own error format
    expect([console.status, created.status]).toEqual([200, 201]);
    expect(refusals).toEqual([
      { status: 401, challenge: 'Bearer realm="perimeter-scim"', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Authentication required: send a valid bearer token' } },
      { status: 401, challenge: 'Bearer realm="perimeter-scim"', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: 'Authentication required: send a valid bearer token' } },
      { status: 401, challenge: 'Bearer realm="perimeter-admin"', body: { error: { status: 401, message: 'Authentication required: send a valid bearer token' } } },
      { status: 401, challenge: 'Bearer realm="perimeter-audit"', body: { error: { status: 401, message: 'Authentication required: send a valid bearer token' } } },
      { status: 401, challenge: undefined, body: { error: { status: 401, message: 'Signature verification failed' } } },
    ]);
  });
});

describe('local-mode connections', () => {
  let server: Server | undefined;
  let url = '';
  const sockets: RawSocket[] = [];
  let handled = 0;
  const route: LocalRoute = {
    prefix: '/api',
    name: 'api',
    handler: async () => {
      handled += 1;
      return { statusCode: 200, body: 'ok' };
    },
    maxBodyBytes: 1024,
    preflight: requireBearerHeader('test'),
    errorResponse: jsonErrorResponse,
  };
  const listen = async (limits: Parameters<typeof createLocalServer>[2]): Promise<void> => {
    server = createLocalServer([route], silentLogger, limits);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const open = async (): Promise<RawSocket> => {
    const socket = await openRawSocket(url);
    sockets.push(socket);
    return socket;
  };
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.socket.destroy();
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    handled = 0;
  });

  it('never runs the handler of a request without credentials', async () => {
    // Prepare
    await listen({ maxConnections: 10, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });

    // Act
    const socket = await open();
    socket.socket.write(requestHead('POST', '/api/things', { 'content-length': '10' }));
    const head = await socket.head;
    const authorized = await fetch(`${url}/api/things`, { method: 'POST', headers: { authorization: 'Bearer anything' }, body: '{}' });

    // Assert: the handler ran for the second request only
    expect([statusOf(head), authorized.status]).toEqual([401, 200]);
    expect(handled).toBe(1);
  });

  it('holds the connection cap: the connection past it is closed unanswered, the others are served', async () => {
    // Prepare
    await listen({ maxConnections: 3, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    const held = [await open(), await open(), await open()];

    // Act
    const extra = await open();
    extra.socket.write(requestHead('GET', '/api/things', { authorization: 'Bearer x' }));
    await extra.closed;
    held[0]?.socket.write(requestHead('GET', '/api/things', { authorization: 'Bearer x' }));
    const served = await held[0]?.head;

    // Assert
    expect(extra.received()).toBe('');
    expect(statusOf(served ?? '')).toBe(200);
    expect(held.map((socket) => socket.isClosed())).toEqual([false, false, false]);
  });

  it('cuts off a client that never finishes its request head (slow-loris)', async () => {
    // Prepare
    await listen({ maxConnections: 10, headersTimeoutMs: 200, requestTimeoutMs: 400 });

    // Act: half a head, then nothing
    const socket = await open();
    socket.socket.write('GET /api/things HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await socket.closed;

    // Assert
    expect(statusOf(socket.received())).toBe(408);
    expect(handled).toBe(0);
  });
});
