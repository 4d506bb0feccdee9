import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_FUNCTION } from '../../infra/constructs/AuditorFunctions.js';
import { PerimeterFunction } from '../../infra/constructs/PerimeterFunction.js';
import { cdkContext, env } from './support/synthStacks.js';

// The console function bundled for real by esbuild, with its static files.

describe('the console bundle', () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'perimeter-console-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('holds the static files beside the handler, and the bundled handler serves them', async () => {
    // Arrange: the service stack's console function, alone in a stack, bundled for real by esbuild.
    const outdir = join(workDir, 'cdk.out');
    const app = new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': ['ConsoleBundle'] } });
    const stack = new Stack(app, 'ConsoleBundle', { env });
    new PerimeterFunction(stack, 'Console', CONSOLE_FUNCTION);

    // Act
    app.synth();
    const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties.Code as { S3Key: string };
    const assetHash = code.S3Key.replace(/\.zip$/, '');
    const manifest = JSON.parse(await readFile(join(outdir, 'ConsoleBundle.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const source = manifest.files[assetHash]?.source;
    const assetDir = join(outdir, source?.path ?? 'missing');

    // Assess: the zip Lambda gets is this directory, the bundle with static/ next to it.
    expect(source?.packaging).toBe('zip');
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    for (const file of ['index.html', 'app.js', 'app.css']) {
      expect(await readFile(join(assetDir, 'static', file), 'utf8'), file).toBe(readFileSync(join('functions/console/static', file), 'utf8'));
    }
    // The app's modules too, in their subfolders: every file, byte for byte, and nothing else.
    const staticFiles = (root: string): string[] =>
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
        .sort();
    const sourceFiles = staticFiles(join(process.cwd(), 'functions/console/static'));
    expect(sourceFiles.filter((file) => file.startsWith('modules/')).length).toBeGreaterThan(0);
    expect(staticFiles(join(assetDir, 'static'))).toEqual(sourceFiles);
    for (const file of sourceFiles) {
      expect(await readFile(join(assetDir, 'static', file), 'utf8'), file).toBe(readFileSync(join('functions/console/static', file), 'utf8'));
    }
    // The bundle's createConsoleHandler finds them at cold start (static/ beside import.meta.url), behind restApiHandler.
    const probe = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(assetDir, 'index.mjs')).href)});
      // REST API proxy events, as the api stage sends them (requestContext.path carries the stage).
      const get = (path) => handler({
        resource: '/console/{proxy+}', path, httpMethod: 'GET', headers: { Host: 'abc.execute-api.eu-west-1.amazonaws.com' },
        multiValueHeaders: { Host: ['abc.execute-api.eu-west-1.amazonaws.com'] }, queryStringParameters: null,
        multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false,
        requestContext: { path: '/api' + path, httpMethod: 'GET', stage: 'api', requestId: 'probe', protocol: 'HTTP/1.1',
          requestTimeEpoch: 0, identity: { sourceIp: '127.0.0.1' }, accountId: '123456789012', apiId: 'abc' },
      }, {});
      const results = await Promise.all(['/console', '/console/app.js', '/console/app.css', '/console/modules/render.js'].map(get));
      process.stdout.write(JSON.stringify(results.map((r) => ({ statusCode: r.statusCode, type: r.headers['content-type'], body: r.body }))));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], { cwd: workDir });
    const [shell, script, style, module] = JSON.parse(stdout) as { statusCode: number; type: string; body: string }[];
    expect(shell).toMatchObject({ statusCode: 200, type: 'text/html; charset=utf-8' });
    expect(shell?.body).toMatch(/console\/app\.js\?v=[0-9a-f]{16}"/);
    expect(script).toMatchObject({ statusCode: 200, body: readFileSync('functions/console/static/app.js', 'utf8') });
    expect(style).toMatchObject({ statusCode: 200, body: readFileSync('functions/console/static/app.css', 'utf8') });
    expect(module).toMatchObject({ statusCode: 200, type: 'text/javascript; charset=utf-8', body: readFileSync('functions/console/static/modules/render.js', 'utf8') });
  }, 30_000);
});
