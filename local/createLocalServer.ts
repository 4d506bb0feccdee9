import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Logger } from '../lib/observability/Logger.js';
import { lambdaContext, toApiGatewayEvent } from './toApiGatewayEvent.js';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalRoute {
  /** Path prefix, matched on a segment boundary: "/scim/v2" serves "/scim/v2" and "/scim/v2/Users". */
  readonly prefix: string;
  readonly name: string;
  readonly handler: LambdaHttpHandler;
}

/** API Gateway's own payload limit; the handlers enforce their smaller ones. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** One HTTP server that dispatches by path prefix to Lambda handlers, as API Gateway would. */
export function createLocalServer(routes: readonly LocalRoute[], logger: Logger): Server {
  return createServer((request, response) => {
    serve(routes, request, response).catch((error: unknown) => {
      logger.error('Local gateway failed to serve a request', { error, path: request.url });
      if (!response.headersSent) writeJson(response, 500, { message: 'Internal server error' });
      else response.destroy();
    });
  });
}

async function serve(routes: readonly LocalRoute[], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const route = routes.find((r) => path === r.prefix || path.startsWith(`${r.prefix}/`));
  if (!route) {
    request.resume();
    writeJson(response, 404, { message: `Not found: ${path}` });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    writeJson(response, 413, { message: 'Request entity too large' });
    return;
  }
  const event = toApiGatewayEvent(request, body);
  const result = await route.handler(event, lambdaContext(route.name, event.requestContext.requestId));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  if (result.body === undefined) {
    response.end();
  } else {
    response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  }
}

/** The body, or undefined once it exceeds the gateway limit (the rest is not buffered). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
