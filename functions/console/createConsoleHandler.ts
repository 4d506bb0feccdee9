import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type Result = APIGatewayProxyStructuredResultV2;

export type ConsoleHandler = (event: APIGatewayProxyEventV2) => Promise<Result>;

export interface ConsoleHandlerOptions {
  /**
   * Where index.html, app.js and app.css are. Default: `static/` beside this module (in a bundled
   * Lambda, copy the folder next to the bundle).
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

/**
 * The auditor's web console: a static, dependency-free shell (index.html, app.js, app.css) that holds
 * no data and needs no authentication. The app asks for an auditor or admin bearer token, keeps it in
 * sessionStorage and calls /audit with it. Files are read once, at cold start.
 *
 * The shell refers to its assets relatively (`console/app.js?v=<hash>`), so it works under a stage
 * prefix as well as at the root; the version query lets browsers cache the assets until they change.
 */
export function createConsoleHandler(options: ConsoleHandlerOptions = {}): ConsoleHandler {
  const dir = options.staticDir ?? fileURLToPath(new URL('./static/', import.meta.url));
  const script = asset(readFileSync(join(dir, 'app.js'), 'utf8'), 'text/javascript; charset=utf-8');
  const style = asset(readFileSync(join(dir, 'app.css'), 'utf8'), 'text/css; charset=utf-8');
  const shellSource = readFileSync(join(dir, 'index.html'), 'utf8');
  const shell = asset(
    shellSource.replace('console/app.js"', `console/app.js?v=${script.version}"`).replace('console/app.css"', `console/app.css?v=${style.version}"`),
    'text/html; charset=utf-8',
  );
  const assets = new Map<string, Asset>([
    ['', shell],
    ['/app.js', script],
    ['/app.css', style],
  ]);

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
