import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createConsoleHandler } from '../../../functions/console/createConsoleHandler.js';

const STATIC_DIR = new URL('../../../functions/console/static/', import.meta.url);

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
    // Act
    const script = await read('app.js');

    // Assess
    expect(script).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(|DOMParser|createContextualFragment/);
    expect(script).not.toMatch(/\b(?:localStorage|document\.cookie)\b/);
    expect(script).not.toMatch(/https?:\/\//);
    expect(script).not.toMatch(/^\s*import\s/m);
  });
});
