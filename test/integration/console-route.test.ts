import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

// The browser scenarios are in test/e2e (npm run test:e2e); this checks the local route without one.
describe('local mode serves the console at /console', () => {
  let perimeter: TestPerimeter;

  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('serves the shell and its assets without a token, with the security headers', async () => {
    // Act
    const shell = await fetch(`${perimeter.url}/console`);
    const html = await shell.text();
    const script = await fetch(`${perimeter.url}/${/src="(console\/app\.js\?v=[0-9a-f]+)"/.exec(html)?.[1] ?? 'missing'}`);
    const style = await fetch(`${perimeter.url}/console/app.css`);

    // Assess
    expect(shell.status).toBe(200);
    expect(shell.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(shell.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    expect(shell.headers.get('x-frame-options')).toBe('DENY');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for anything else under /console, and the audit API still wants a token', async () => {
    // Act
    const other = await fetch(`${perimeter.url}/console/secrets.json`);
    const audit = await fetch(`${perimeter.url}/audit/apps`);

    // Assess
    expect(other.status).toBe(404);
    expect(other.headers.get('x-content-type-options')).toBe('nosniff');
    expect(audit.status).toBe(401);
  });
});
