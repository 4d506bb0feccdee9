import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { bodyTooLarge } from '../lib/http/bodyTooLarge.js';
import type { HttpError } from '../lib/http/HttpError.js';
import type { Logger } from '../lib/observability/Logger.js';
import { DEFAULT_LOCAL_HTTP_LIMITS, type LocalHttpLimits } from './LocalHttpLimits.js';
import { lambdaContext, toApiGatewayEvent } from './toApiGatewayEvent.js';
import { requestUrl } from './requestUrl.js';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** What a route can judge of a request before reading its body. */
export interface RequestHead {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface LocalRoute {
  /** Path prefix, matched on a segment boundary: "/scim/v2" serves "/scim/v2" and "/scim/v2/Users". */
  readonly prefix: string;
  readonly name: string;
  readonly handler: LambdaHttpHandler;
  /** The largest body the route's handler accepts (its own limit), enforced here while reading. */
  readonly maxBodyBytes: number;
  /**
   * The handler's answer to a request it could only refuse, judged from the head alone (no
   * credentials of the route's scheme), so that such a body is never read; undefined lets the
   * request through to the handler, which authenticates it in full.
   */
  readonly preflight?: (head: RequestHead) => HttpError | undefined;
  /** A refusal in the error format the route's clients read (SCIM error schema, or JSON). */
  readonly errorResponse: (error: HttpError) => APIGatewayProxyStructuredResultV2;
}

/**
 * One HTTP server that dispatches by path prefix to Lambda handlers, as API Gateway would. Unlike
 * API Gateway it runs on the user's machine, so it spends nothing on a request it will refuse: no
 * body of an unauthenticated request is read, a body is counted while it arrives and refused the
 * moment it passes its route's limit, and connections and slow clients are bounded.
 */
export function createLocalServer(routes: readonly LocalRoute[], logger: Logger, limits: LocalHttpLimits = DEFAULT_LOCAL_HTTP_LIMITS): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node.js looks for expired requests; its default (30 s) would let a slow client
      // hold a connection well past the timeouts.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (request, response) => {
      serve(routes, request, response).catch((error: unknown) => {
        logger.error('Local gateway failed to serve a request', { error, path: request.url });
        if (!response.headersSent) writeJson(response, 500, { message: 'Internal server error' });
        else response.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

async function serve(routes: readonly LocalRoute[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = requestUrl(request);
  if (!url) {
    refuse(request, response, { statusCode: 400, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ message: 'The request target must be a path' }) });
    return;
  }
  const path = url.pathname;
  const route = routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
  if (!route) {
    refuse(request, response, { statusCode: 404, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ message: `Not found: ${path}` }) });
    return;
  }
  const early = route.preflight?.({ method: request.method ?? 'GET', path, headers: request.headers });
  if (early) {
    refuse(request, response, route.errorResponse(early));
    return;
  }
  const declared = request.headers['content-length'];
  const body = declared !== undefined && Number(declared) > route.maxBodyBytes ? 'tooLarge' : await readBody(request, route.maxBodyBytes);
  if (body === 'gone') return;
  if (body === 'tooLarge') {
    refuse(request, response, route.errorResponse(bodyTooLarge(route.maxBodyBytes)));
    return;
  }
  const event = toApiGatewayEvent(request, body);
  const result = await route.handler(event, lambdaContext(route.name, event.requestContext.requestId));
  writeResult(response, result);
}

/** The body; 'tooLarge' as soon as it passes `maxBytes` (reading stops there); 'gone' if the client left mid-body. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'tooLarge' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.pause();
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    // A request stream fails only when its connection does, and nothing else ends the read of a
    // client gone mid-body.
    request.on('error', () => resolve('gone'));
    request.on('close', () => {
      if (!request.complete) resolve('gone');
    });
  });
}

/**
 * Answers a request whose body is not (all) read, and closes the connection: whatever the client
 * still sends is never read, and it cannot send another request on this connection.
 */
function refuse(request: IncomingMessage, response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  response.once('finish', () => request.socket.destroy());
  writeResult(response, { ...result, headers: { ...result.headers, connection: 'close' } });
}

function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  if (result.body === undefined) {
    response.end();
  } else {
    response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  }
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
