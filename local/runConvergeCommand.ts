import { parseArgs } from 'node:util';
import { apiErrorMessage } from './apiErrorMessage.js';
import { perimeterBaseUrl } from './perimeterBaseUrl.js';

export class ConvergeCommandError extends Error {
  public override readonly name = 'ConvergeCommandError';
}

/** Between two looks at a job still running in the background. */
const POLL_MS = 2_000;

/**
 * `perimeter converge [--app <id>] [--apply] [--url <base>]`: POST /admin/converge against a running
 * Perimeter (local or AWS), a dry run unless --apply. The token comes from PERIMETER_ADMIN_TOKEN,
 * never from the command line. A run that outlasts the request continues as a job, which this
 * follows to the end. Prints the summary as JSON.
 */
export async function runConvergeCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  write: (chunk: string) => void,
  doFetch: typeof fetch = fetch,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<number> {
  let values: { app?: string | undefined; apply?: boolean | undefined; url?: string | undefined };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { app: { type: 'string' }, apply: { type: 'boolean' }, url: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new ConvergeCommandError('converge takes [--app <id>] [--apply] [--url <base>]', { cause: error });
  }
  const token = env.PERIMETER_ADMIN_TOKEN;
  if (!token) throw new ConvergeCommandError('Set PERIMETER_ADMIN_TOKEN to an admin token');
  const base = perimeterBaseUrl(values.url, env);
  const headers = { authorization: `Bearer ${token}` };
  const body = { dryRun: values.apply !== true, ...(values.app !== undefined ? { app: values.app } : {}) };
  let reply = await call(doFetch, `${base}/admin/converge`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (reply.status === 200) return print(write, reply.body);
  const jobId = (reply.body as { job?: { id?: string } }).job?.id;
  if (!jobId) throw new ConvergeCommandError(`Unexpected answer ${reply.status} without a job`);
  for (;;) {
    await wait(POLL_MS);
    reply = await call(doFetch, `${base}/admin/jobs/${encodeURIComponent(jobId)}`, { headers });
    const job = reply.body as { status?: string; result?: unknown; error?: string };
    if (job.status === 'succeeded') return print(write, job.result);
    if (job.status !== 'running') throw new ConvergeCommandError(`Job ${jobId} ${job.status ?? 'ended'}: ${job.error ?? 'no reason given'}`);
  }
}

async function call(doFetch: typeof fetch, url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await doFetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new ConvergeCommandError(`${response.status}: ${apiErrorMessage(text)}`);
  return { status: response.status, body: JSON.parse(text) as unknown };
}

function print(write: (chunk: string) => void, summary: unknown): number {
  write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
