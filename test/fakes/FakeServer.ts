import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitUntil } from '../support/waitUntil.js';

export interface FakeRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  /** Parsed JSON body, undefined when absent or not JSON. */
  readonly body: unknown;
  /** Named segments captured by the route pattern (":id" → params.id). */
  readonly params: Record<string, string>;
}

export interface FakeResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type Fault =
  /** Answer with this status (e.g. 429 with Retry-After, 503) instead of handling the request. */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  /** Wait this long before handling (a timeout, when longer than the client's). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Destroy the socket without answering (ECONNRESET at the client). */
  | { readonly kind: 'reset' }
  /** Answer 200 with a body that is not JSON. */
  | { readonly kind: 'malformed' };

type Handler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * Base for fake SaaS APIs in tests: routes, a bearer-token check, recorded requests, injected faults
 * (for the conformance and fault suites), fixed latency (for the fan-out benchmark) and an optional
 * rate limit that answers 429 with Retry-After the way the vendors document it.
 */
export class FakeServer {
  public readonly requests: FakeRequest[] = [];
  /** Added to every response (the benchmark's "50 ms per app"). */
  public latencyMs = 0;
  /** Tokens the API accepts; an empty set accepts any bearer token. */
  public readonly validTokens = new Set<string>();
  private readonly routes: { method: string; pattern: RegExp; names: string[]; handler: Handler }[] = [];
  private readonly faults: Fault[] = [];
  private rateLimit: { limit: number; windowMs: number; retryAfterSeconds: number; hits: number[] } | undefined;
  private server: Server | undefined;
  private baseUrl = '';
  private readonly connections = new Set<Socket>();
  private answering = 0;

  public get url(): string {
    return this.baseUrl;
  }

  public route(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:[A-Za-z]+/g, (name) => {
        names.push(name.slice(1));
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  /**
   * Every request other than a GET that named `id` in its path or body, case-insensitively: the
   * mutating calls an account received (a PATCH of the user, a membership change, a suspension).
   */
  public mutationsOf(id: string): FakeRequest[] {
    const needle = id.toLowerCase();
    return this.requests.filter(
      (request) => request.method !== 'GET' && (decodeURIComponent(request.path).toLowerCase().includes(needle) || request.rawBody.toLowerCase().includes(needle)),
    );
  }

  /** The next `times` requests meet this fault instead of the API. */
  public injectFault(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** More than `limit` requests in `windowMs` get 429 with Retry-After: retryAfterSeconds. */
  public limitRate(limit: number, windowMs: number, retryAfterSeconds = 1): void {
    this.rateLimit = { limit, windowMs, retryAfterSeconds, hits: [] };
  }

  public async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.answering++;
      this.serve(request, response)
        .catch((error: unknown) => {
          if (!response.headersSent) {
            response.writeHead(500, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ error: String(error) }));
          }
        })
        .finally(() => {
          this.answering--;
        });
    });
    this.server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /**
   * Resolves once every connection is closed and every request received has been handled: after a
   * client process was killed, whatever it had sent has met the API (and changed its state) by then.
   * A client that is still alive and keeps a connection open holds this up, up to its keep-alive.
   */
  public async quiesced(timeoutMs = 15_000): Promise<void> {
    // One turn of the event loop first, so a connection the kernel completed for the dead client is
    // accepted before the count is read.
    await new Promise((resolve) => setImmediate(resolve));
    await waitUntil(() => this.answering === 0 && this.connections.size === 0, timeoutMs, 'a quiet fake API', () => `${this.connections.size} connections open, ${this.answering} requests being handled`);
  }

  /** Override to answer 401 the vendor's way. */
  protected unauthorized(): FakeResponse {
    return { status: 401, body: { error: 'invalid_auth' } };
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const method = (request.method ?? 'GET').toUpperCase();
    const recorded: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers: request.headers, rawBody, body, params: {} };
    this.requests.push(recorded);
    // The vendor's latency, modelled: this is the API taking its time, not a test waiting.
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    const fault = this.faults.shift();
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    // An injected slow answer (a timeout at the client): the fault itself, not a test waiting.
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'malformed') return write(response, { status: 200, body: '{"truncated": ' }, true);
    if (fault?.kind === 'status') return write(response, { status: fault.status, body: fault.body ?? { error: 'injected' }, headers: fault.headers ?? {} });
    if (this.rateLimit) {
      const now = Date.now();
      const limit = this.rateLimit;
      limit.hits = limit.hits.filter((time) => now - time < limit.windowMs);
      if (limit.hits.length >= limit.limit) {
        return write(response, { status: 429, body: { error: 'ratelimited' }, headers: { 'retry-after': String(limit.retryAfterSeconds) } });
      }
      limit.hits.push(now);
    }
    if (this.validTokens.size > 0) {
      const token = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
      if (!token || !this.validTokens.has(token)) return write(response, this.unauthorized());
    }
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      return write(response, await route.handler({ ...recorded, params }));
    }
    return write(response, { status: 404, body: { error: 'not_found', path: url.pathname } });
  }
}

function write(response: ServerResponse, reply: FakeResponse, raw = false): void {
  const headers: Record<string, string> = { ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers };
  response.writeHead(reply.status, headers);
  if (reply.body === undefined) response.end();
  else response.end(raw ? String(reply.body) : JSON.stringify(reply.body));
}

/** The modelled latency and the delay fault above: the fake API taking time, never a test waiting. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
