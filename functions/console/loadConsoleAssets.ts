import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface Asset {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
  /** The content hash the shell asks for (`?v=`): a request carrying it may be cached for good. */
  readonly version: string;
}

export interface ConsoleAssets {
  /** By path below /console ("" is the shell, "/app.js", "/modules/el.js", ...). */
  readonly assets: ReadonlyMap<string, Asset>;
  readonly shell: Asset;
}

/** What is served besides the shell: every script (an ES module of the app) and style sheet. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Reads the console's files once, at cold start: the shell (with each asset's version and a
 * modulepreload link per module) and every script and style sheet under `dir`. Only what is found
 * here is ever served.
 */
export function loadConsoleAssets(dir: string): ConsoleAssets {
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
  return { assets, shell };

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

