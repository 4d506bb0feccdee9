import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createConsoleHandler } from '../../../functions/console/createConsoleHandler.js';

const STATIC_DIR = new URL('../../../functions/console/static/', import.meta.url);

/** Every script under static/, relative to it: the app.js entry and the modules it imports. */
async function scriptFiles(): Promise<string[]> {
  const entries = await readdir(STATIC_DIR, { recursive: true });
  return entries.map((entry) => entry.split('\\').join('/')).filter((entry) => entry.endsWith('.js')).sort();
}

/** The specifier of every static import in a module (each statement ends with its quoted URL). */
function importSpecifiers(source: string): string[] {
  return (source.match(/^\s*import\b[^;]*;/gm) ?? []).map((statement) => /['"]([^'"]+)['"]\s*;$/.exec(statement)?.[1] ?? statement);
}

function request(rawPath: string, options: { method?: string; query?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: options.query ?? '',
    headers: options.headers ?? {},
    requestContext: { http: { method: options.method ?? 'GET', path: rawPath } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

describe('console handler', () => {
  const handler = createConsoleHandler();

  it.each([
    ['/console', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/console/app.js', 'text/javascript; charset=utf-8', 'document.createElement'],
    ['/console/app.css', 'text/css; charset=utf-8', ':focus-visible'],
  ])('serves %s with its content type', async (path, contentType, excerpt) => {
    // Act
    const response = await handler(request(path));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe(contentType);
    expect(response.body).toContain(excerpt);
  });

  it.each(['/console', '/console/app.js', '/console/app.css', '/console/nope.js', '/console/../admin'])(
    'sends the security headers on %s',
    async (path) => {
      // Act
      const response = await handler(request(path));

      // Assess
      expect(response.headers).toMatchObject({
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      });
    },
  );

  it('has a strict CSP: self only, no inline or eval, no framing', () => {
    // Act
    const directives = new Map(CONSOLE_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

    // Assess
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|data:|blob:|\*/);
  });

  it('points the shell at versioned assets, which may be cached for good; the shell is revalidated', async () => {
    // Prepare
    const shell = await handler(request('/console'));
    const scriptHref = /src="(console\/app\.js\?v=[0-9a-f]{16})"/.exec(shell.body ?? '')?.[1] ?? '';
    const styleHref = /href="(console\/app\.css\?v=[0-9a-f]{16})"/.exec(shell.body ?? '')?.[1] ?? '';

    // Act
    const script = await handler(request('/console/app.js', { query: scriptHref.split('?')[1] }));
    const style = await handler(request('/console/app.css', { query: styleHref.split('?')[1] }));
    const unversioned = await handler(request('/console/app.js'));
    const outdated = await handler(request('/console/app.js', { query: 'v=0000000000000000' }));

    // Assess
    expect(scriptHref).not.toBe('');
    expect(styleHref).not.toBe('');
    expect(shell.headers?.['cache-control']).toBe('no-cache');
    expect(script.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(style.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(unversioned.headers?.['cache-control']).toBe('no-cache');
    expect(outdated.headers?.['cache-control']).toBe('no-cache');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    // Prepare
    const first = await handler(request('/console/app.js'));

    // Act
    const again = await handler(request('/console/app.js', { headers: { 'if-none-match': String(first.headers?.etag) } }));

    // Assess
    expect(first.headers?.etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers?.['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it.each(['/console/index.html', '/console/app.js.map', '/console/static/app.js', '/console/..%2Fadmin', '/consoles', '/'])('answers 404 for %s', async (path) => {
    // Act
    const response = await handler(request(path));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: { status: 404 } });
  });

  it('redirects /console/ to the shell, whose relative asset URLs need the path without the slash', async () => {
    // Act
    const response = await handler(request('/console/'));

    // Assess
    expect(response.statusCode).toBe(308);
    expect(response.headers?.location).toBe('../console');
  });

  it('serves under a stage prefix too', async () => {
    // Act
    const response = await handler(request('/prod/console/app.css'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body and refuses writes', async () => {
    // Act
    const head = await handler(request('/console', { method: 'HEAD' }));
    const post = await handler(request('/console', { method: 'POST' }));

    // Assess
    expect(head.statusCode).toBe(200);
    expect(head.body).toBeUndefined();
    expect(post.statusCode).toBe(405);
    expect(post.headers?.allow).toBe('GET, HEAD');
  });

  describe('reads its files once, at cold start', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'perimeter-console-'));
      for (const file of ['index.html', 'app.js', 'app.css']) await writeFile(join(dir, file), await readFile(new URL(file, STATIC_DIR)));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps serving what it read even after the files change or disappear', async () => {
      // Prepare
      const handlerFromDir = createConsoleHandler({ staticDir: dir });
      const before = await handlerFromDir(request('/console/app.js'));

      // Act
      await writeFile(join(dir, 'app.js'), 'changed');
      await rm(join(dir, 'app.css'));
      const after = await handlerFromDir(request('/console/app.js'));
      const style = await handlerFromDir(request('/console/app.css'));

      // Assess
      expect(after.body).toBe(before.body);
      expect(style.statusCode).toBe(200);
    });
  });
});

describe('console static files', () => {
  const read = (file: string): Promise<string> => readFile(new URL(file, STATIC_DIR), 'utf8');

  it('the shell has no inline script, inline style or event-handler attribute', async () => {
    // Act
    const html = await read('index.html');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];

    // Assess
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('the app never parses data as markup and loads nothing from elsewhere', async () => {
    // Prepare
    const files = await scriptFiles();
    const handler = createConsoleHandler();

    for (const file of files) {
      // Act
      const script = await read(file);
      const imports = importSpecifiers(script);
      const resolved = imports.map((specifier) => new URL(specifier, new URL(file, 'https://example.test/console/')).pathname);
      const served = await Promise.all(resolved.map((path) => handler(request(path))));

      // Assess
      expect(script, file).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(|DOMParser|createContextualFragment/);
      expect(script, file).not.toMatch(/\b(?:localStorage|document\.cookie)\b/);
      expect(script, file).not.toMatch(/https?:\/\//);
      // Modules import one another only statically, by relative URL, and only files the console serves.
      expect(script, file).not.toMatch(/\bimport\s*\(/);
      for (const specifier of imports) expect(specifier, file).toMatch(/^\.\.?\/[\w./-]+\.js$/);
      expect(
        served.map((response) => response.statusCode),
        `${file} imports ${resolved.join(', ')}`,
      ).toEqual(resolved.map(() => 200));
    }
    expect(files).toContain('app.js');
    expect(importSpecifiers(await read('app.js')).length).toBeGreaterThan(0);
  });

  it('every module is reached from the entry, so none is served for nothing', async () => {
    // Prepare
    const files = await scriptFiles();
    const reached = new Set<string>();
    const pending = ['app.js'];

    // Act
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const specifier of importSpecifiers(await read(file))) pending.push(new URL(specifier, new URL(file, 'https://example.test/')).pathname.slice(1));
    }

    // Assess
    expect([...reached].sort()).toEqual(files);
  });
});

describe('console modules', () => {
  const handler = createConsoleHandler();
  const read = (file: string): Promise<string> => readFile(new URL(file, STATIC_DIR), 'utf8');

  it('serves every module under static/ as a script, with the security headers and its own bytes', async () => {
    // Prepare
    const modules = (await scriptFiles()).filter((file) => file !== 'app.js');

    for (const file of modules) {
      // Act
      const response = await handler(request(`/console/${file}`));

      // Assess
      expect(response.statusCode, file).toBe(200);
      expect(response.headers, file).toMatchObject({
        'content-type': 'text/javascript; charset=utf-8',
        'content-security-policy': CONSOLE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      });
      expect(response.body, file).toBe(await read(file));
    }
    expect(modules.length).toBeGreaterThan(10);
  });

  it('has the shell preload every module, by the very URL its importers resolve it to', async () => {
    // Prepare
    const modules = (await scriptFiles()).filter((file) => file !== 'app.js');
    const shell = await handler(request('/console'));
    const base = 'https://example.test/prod/console';

    // Act
    const preloads = [...(shell.body ?? '').matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map(([, href]) => new URL(href ?? '', base).href);

    // Assess: the same URL, so the browser's module map takes the preloaded copy instead of asking again.
    expect(preloads.sort()).toEqual(modules.map((file) => new URL(`./${file}`, `${base}/app.js?v=0123456789abcdef`).href).sort());
    expect(preloads.every((href) => !href.includes('?'))).toBe(true);
  });

  it('has a module revalidated on every use (imports carry no version), cached for good only under its hash', async () => {
    // Prepare
    const first = await handler(request('/console/modules/el.js'));
    const etag = String(first.headers?.etag);

    // Act
    const unchanged = await handler(request('/console/modules/el.js', { headers: { 'if-none-match': etag } }));
    const otherTag = await handler(request('/console/modules/el.js', { headers: { 'if-none-match': '"0000000000000000"' } }));
    const versioned = await handler(request('/console/modules/el.js', { query: `v=${etag.slice(1, -1)}` }));
    const outdated = await handler(request('/console/modules/el.js', { query: 'v=0000000000000000' }));
    const head = await handler(request('/console/modules/el.js', { method: 'HEAD' }));

    // Assess
    expect(first.headers?.['cache-control']).toBe('no-cache');
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(unchanged.headers).toMatchObject({ etag, 'cache-control': 'no-cache', 'content-security-policy': CONSOLE_CSP });
    expect(otherTag.statusCode).toBe(200);
    expect(otherTag.body).toBe(first.body);
    expect(versioned.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(outdated.headers?.['cache-control']).toBe('no-cache');
    expect(head).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', etag } });
    expect(head.body).toBeUndefined();
  });

  it('gives each module its own ETag, so a deploy that changes one module changes only its tag', async () => {
    // Act
    const modules = (await scriptFiles()).filter((file) => file !== 'app.js');
    const tags = await Promise.all(modules.map(async (file) => (await handler(request(`/console/${file}`))).headers?.etag));

    // Assess
    expect(new Set(tags).size).toBe(modules.length);
  });

  it.each([
    '/console/modules',
    '/console/modules/',
    '/console/modules/nope.js',
    '/console/modules/el.js/',
    '/console/modules/el.JS',
    '/console/Modules/el.js',
    '/console/modules//el.js',
    '/console//app.js',
    '/console/modules/el.js%00',
    '/console/modules/../app.js',
    '/console/modules/./el.js',
    '/console/modules/%2e%2e/app.js',
    '/console/modules/..%2Fapp.js',
    '/console/modules/../../createConsoleHandler.ts',
    '/console/../console/app.js',
    '/console/modules/../../../../../../etc/passwd',
    '/console/%2e%2e/%2e%2e/package.json',
  ])('answers 404 for %s: only the exact paths listed at cold start are served', async (path) => {
    // Act
    const response = await handler(request(path));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-security-policy']).toBe(CONSOLE_CSP);
    expect(response.headers?.['cache-control']).toBe('no-store');
  });

  it('answers 405 to a write of a module, as to the shell', async () => {
    // Act
    const put = await handler(request('/console/modules/el.js', { method: 'PUT' }));

    // Assess
    expect(put.statusCode).toBe(405);
    expect(put.headers?.allow).toBe('GET, HEAD');
  });

  describe('serves what it listed at cold start, and nothing else', () => {
    let dir: string;
    let outside: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'perimeter-console-modules-'));
      outside = await mkdtemp(join(tmpdir(), 'perimeter-console-outside-'));
      await mkdir(join(dir, 'modules', 'deep'), { recursive: true });
      await writeFile(join(dir, 'index.html'), '<html><head><script type="module" src="console/app.js"></script><link rel="stylesheet" href="console/app.css"></head></html>');
      await writeFile(join(dir, 'app.js'), "import { a } from './modules/a.js';\na();\n");
      await writeFile(join(dir, 'app.css'), 'body {}\n');
      await writeFile(join(dir, 'modules', 'a.js'), "export { b as a } from './deep/b.js';\n");
      await writeFile(join(dir, 'modules', 'deep', 'b.js'), 'export function b() {}\n');
      await writeFile(join(dir, 'modules', '.hidden.js'), 'export const secret = 1;\n');
      await writeFile(join(dir, 'modules', 'notes.txt'), 'not served\n');
      await writeFile(join(dir, 'modules', 'a.js.map'), '{}\n');
      await writeFile(join(outside, 'secret.js'), 'export const outside = 1;\n');
      await symlink(join(outside, 'secret.js'), join(dir, 'modules', 'linked.js'));
      await symlink(outside, join(dir, 'modules', 'linked-dir'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    });

    it('serves nested modules, and neither dotfiles, other file types nor symbolic links', async () => {
      // Prepare
      const handlerFromDir = createConsoleHandler({ staticDir: dir });

      // Act
      const get = async (path: string): Promise<number> => (await handlerFromDir(request(path))).statusCode ?? 0;
      const served = await Promise.all(['/console/modules/a.js', '/console/modules/deep/b.js'].map(get));
      const refused = await Promise.all(
        ['/console/modules/.hidden.js', '/console/modules/notes.txt', '/console/modules/a.js.map', '/console/modules/linked.js', '/console/modules/linked-dir/secret.js', '/console/index.html'].map(get),
      );
      const shell = await handlerFromDir(request('/console'));

      // Assess
      expect(served).toEqual([200, 200]);
      expect(refused).toEqual([404, 404, 404, 404, 404, 404]);
      expect([...(shell.body ?? '').matchAll(/modulepreload" href="([^"]+)"/g)].map(([, href]) => href)).toEqual(['console/modules/a.js', 'console/modules/deep/b.js']);
    });

    it('keeps serving a module as read at cold start, and never one added later', async () => {
      // Prepare
      const handlerFromDir = createConsoleHandler({ staticDir: dir });
      const before = await handlerFromDir(request('/console/modules/deep/b.js'));

      // Act
      await writeFile(join(dir, 'modules', 'deep', 'b.js'), 'export function b() { return "changed"; }\n');
      await writeFile(join(dir, 'modules', 'late.js'), 'export const late = 1;\n');
      const after = await handlerFromDir(request('/console/modules/deep/b.js'));
      const late = await handlerFromDir(request('/console/modules/late.js'));

      // Assess
      expect(after.body).toBe(before.body);
      expect(late.statusCode).toBe(404);
    });

    it('refuses to start without the entry script', async () => {
      // Prepare
      const empty = await mkdtemp(join(tmpdir(), 'perimeter-console-empty-'));
      await writeFile(join(empty, 'index.html'), '<html></html>');
      await writeFile(join(empty, 'app.css'), '');

      try {
        // Act
        const start = (): unknown => createConsoleHandler({ staticDir: empty });

        // Assess
        expect(start).toThrow(/has no app\.js/);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });
});
