import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

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
 * No inline script or style, no eval, nothing from another origin; data only from this origin's
 * /audit API; no framing; and Trusted Types, so an innerHTML assignment throws instead of parsing.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

interface Asset {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
  /** The content hash the shell asks for (`?v=`): a request carrying it may be cached for good. */
  readonly version: string;
}

/** What is served besides the shell: every script (an ES module of the app) and style sheet. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

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
  const files = servedFiles(dir);
  const assets = new Map<string, Asset>(files.map((file) => [`/${file}`, asset(readFileSync(join(dir, file), 'utf8'), CONTENT_TYPES[extname(file)] ?? '')]));
  const script = required(assets, '/app.js', dir);
  const style = required(assets, '/app.css', dir);
  const preloads = files
    .filter((file) => file !== 'app.js' && extname(file) === '.js')
    .map((file) => `  <link rel="modulepreload" href="console/${file}">\n  `)
    .join('');
  const shellSource = readFileSync(join(dir, 'index.html'), 'utf8');
  const shell = asset(
    shellSource
      .replace('console/app.js"', `console/app.js?v=${script.version}"`)
      .replace('console/app.css"', `console/app.css?v=${style.version}"`)
      .replace('</head>', `${preloads}</head>`),
    'text/html; charset=utf-8',
  );
  assets.set('', shell);

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

/**
 * The scripts and style sheets under `dir`, as slash-separated paths relative to it, sorted. Only
 * regular files with plain names count: no dotfiles, and symbolic links are not followed, so
 * nothing outside the folder can be served.
 */
function servedFiles(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    if (!/^[\w-][\w.-]*$/.test(entry.name)) continue;
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) found.push(...servedFiles(dir, `${path}/`));
    else if (entry.isFile() && CONTENT_TYPES[extname(entry.name)] !== undefined) found.push(path);
  }
  return found.sort();
}

function required(assets: ReadonlyMap<string, Asset>, path: string, dir: string): Asset {
  const found = assets.get(path);
  if (!found) throw new Error(`The console's static folder ${dir} has no ${path.slice(1)}`);
  return found;
}

function asset(body: string, contentType: string): Asset {
  const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { body, contentType, etag: `"${version}"`, version };
}

function respond(statusCode: number, contentType: string, body: string | undefined, headers: Record<string, string>): Result {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': contentType, ...headers },
    ...(body === undefined ? {} : { body }),
  };
}
