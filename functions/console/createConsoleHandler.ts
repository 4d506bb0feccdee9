import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fileURLToPath } from 'node:url';
import { SECURITY_HEADERS } from './consoleSecurityHeaders.js';
import { loadConsoleAssets } from './loadConsoleAssets.js';

export { CONSOLE_CSP } from './consoleSecurityHeaders.js';

type Result = APIGatewayProxyStructuredResultV2;

export type ConsoleHandler = (event: APIGatewayProxyEventV2) => Promise<Result>;

export interface ConsoleHandlerOptions {
  /**
   * Where index.html, app.js, app.css and the app's modules are. Default: `static/` beside this
   * module (in a bundled Lambda, copy the folder next to the bundle).
   */
  readonly staticDir?: string;
}

const CONSOLE_ROOT = '/console';

/**
 * The auditor's web console: a static, dependency-free shell (index.html, the app.js entry and its
 * ES modules, app.css) that holds no data and needs no authentication. The app asks for an auditor
 * or admin bearer token, keeps it in sessionStorage and calls /audit with it. Files are read once, at
 * cold start: the ones found then under the static folder are all that is ever served, looked up by
 * exact path, so no request names a file to read.
 *
 * The shell refers to its assets relatively (`console/app.js?v=<hash>`), so it works under a stage
 * prefix as well as at the root; the version query lets browsers cache the assets until they change.
 *
 * The modules import each other by plain relative URL (`./modules/el.js`), with no version: the
 * browser drops the entry's query when it resolves them, and rewriting their imports would serve
 * files that differ from the ones deployed. So a request without the current `?v=` (every module,
 * and any stale link) gets `no-cache` with an ETag: the browser may keep the file but must ask again
 * before each use and gets a bodiless 304 while it is unchanged. A module changed by a deploy is
 * therefore never run from cache, whatever the cached entry or shell; only a URL naming the exact
 * content hash is cached for good. So that revalidating does not cost one round trip per level of
 * the import graph, the shell lists every module as a modulepreload link, by the same URLs the
 * imports resolve to, and the browser asks for them all at once.
 */
export function createConsoleHandler(options: ConsoleHandlerOptions = {}): ConsoleHandler {
  const dir = options.staticDir ?? fileURLToPath(new URL('./static/', import.meta.url));
  const { assets, shell } = loadConsoleAssets(dir);

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const rawPath = event.rawPath;
    const at = rawPath.indexOf(CONSOLE_ROOT);
    const path = at < 0 ? rawPath : rawPath.slice(at + CONSOLE_ROOT.length);
    if (at >= 0 && path === '/') {
      // "/console/" would resolve the shell's relative asset URLs one level too deep.
      return respond(308, 'text/plain; charset=utf-8', 'Moved to ../console', { location: '../console', 'cache-control': 'no-store' });
    }
    const found = at < 0 ? undefined : assets.get(path);
    if (!found) return respond(404, 'application/json; charset=utf-8', JSON.stringify({ error: { status: 404, message: `Not found: ${rawPath}` } }), { 'cache-control': 'no-store' });
    if (method !== 'GET' && method !== 'HEAD') {
      return respond(405, 'application/json; charset=utf-8', JSON.stringify({ error: { status: 405, message: 'The console is read-only' } }), { allow: 'GET, HEAD', 'cache-control': 'no-store' });
    }
    const version = new URLSearchParams(event.rawQueryString ?? '').get('v');
    const cacheControl = found !== shell && version === found.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    const headers = { etag: found.etag, 'cache-control': cacheControl };
    const ifNoneMatch = event.headers?.['if-none-match'] ?? event.headers?.['If-None-Match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === found.etag || tag.trim() === '*')) {
      return { statusCode: 304, headers: { ...SECURITY_HEADERS, ...headers } };
    }
    return respond(200, found.contentType, method === 'HEAD' ? undefined : found.body, headers);
  };
}

function respond(statusCode: number, contentType: string, body: string | undefined, headers: Record<string, string>): Result {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': contentType, ...headers },
    ...(body === undefined ? {} : { body }),
  };
}
