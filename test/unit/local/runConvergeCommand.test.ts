import { describe, expect, it } from 'vitest';
import { ConvergeCommandError, runConvergeCommand } from '../../../local/runConvergeCommand.js';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** A fetch that answers from a list, in order, and keeps what it was sent. */
const fakeFetch = (answers: ReadonlyArray<readonly [number, unknown]>): { doFetch: typeof fetch; sent: Sent[] } => {
  const sent: Sent[] = [];
  const queue = [...answers];
  const doFetch = (async (url: string, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    sent.push({ url, method: init.method ?? 'GET', authorization: headers.authorization, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
    const [status, body] = queue.shift() ?? [500, { error: { message: 'no answer' } }];
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { doFetch, sent };
};

const ENV = { PERIMETER_ADMIN_TOKEN: 'admin-token', PERIMETER_URL: 'http://perimeter.test/' };
const SUMMARY = { dryRun: true, people: 2, affected: 1, steps: 1, actions: { createAccount: { steps: 1, people: 1, sample: [{ personId: 'p1', userName: 'jane@example.com' }] } }, apps: {} };

describe('perimeter converge', () => {
  it('asks for a dry run by default and prints the summary', async () => {
    // Prepare
    const { doFetch, sent } = fakeFetch([[200, SUMMARY]]);
    let out = '';

    // Act
    const code = await runConvergeCommand([], ENV, (chunk) => void (out += chunk), doFetch);

    // Assess
    expect(code).toBe(0);
    expect(sent).toEqual([{ url: 'http://perimeter.test/admin/converge', method: 'POST', authorization: 'Bearer admin-token', body: { dryRun: true } }]);
    expect(JSON.parse(out)).toEqual(SUMMARY);
  });

  it('applies one app with --apply --app, and follows a job that outlasts the request', async () => {
    // Prepare
    const job = { id: 'job-1', status: 'running' };
    const result = { ...SUMMARY, dryRun: false, app: 'crm' };
    const { doFetch, sent } = fakeFetch([
      [202, { job }],
      [200, job],
      [200, { ...job, status: 'succeeded', result }],
    ]);
    const waits: number[] = [];
    let out = '';

    // Act
    const code = await runConvergeCommand(['--apply', '--app', 'crm', '--url', 'http://other.test'], ENV, (chunk) => void (out += chunk), doFetch, async (ms) => void waits.push(ms));

    // Assess
    expect(code).toBe(0);
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual(['POST http://other.test/admin/converge', 'GET http://other.test/admin/jobs/job-1', 'GET http://other.test/admin/jobs/job-1']);
    expect(sent[0]?.body).toEqual({ dryRun: false, app: 'crm' });
    expect(waits).toHaveLength(2);
    expect(JSON.parse(out)).toEqual(result);
  });

  it('refuses without a token, and reports the API refusal and a failed job', async () => {
    // Act
    const noToken = await runConvergeCommand([], { PERIMETER_URL: 'http://perimeter.test' }, () => undefined, fakeFetch([]).doFetch).catch((error: unknown) => error);
    const unknownApp = await runConvergeCommand(['--app', 'nope'], ENV, () => undefined, fakeFetch([[404, { error: { message: 'No connector "nope" is configured' } }]]).doFetch).catch((error: unknown) => error);
    const failed = await runConvergeCommand(['--apply'], ENV, () => undefined, fakeFetch([[202, { job: { id: 'j' } }], [200, { id: 'j', status: 'failed', error: 'internal error' }]]).doFetch, async () => undefined).catch(
      (error: unknown) => error,
    );
    const badOption = await runConvergeCommand(['--token', 'x'], ENV, () => undefined, fakeFetch([]).doFetch).catch((error: unknown) => error);

    // Assess
    expect(noToken).toBeInstanceOf(ConvergeCommandError);
    expect((unknownApp as Error).message).toBe('404: No connector "nope" is configured');
    expect((failed as Error).message).toBe('Job j failed: internal error');
    expect(badOption).toBeInstanceOf(ConvergeCommandError);
    expect((badOption as Error).message).not.toContain('x');
  });
});
