import { Agent, request as httpRequest } from 'node:http';

export interface PacedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface PacedOptions {
  readonly url: string;
  /** Requests per second, sent evenly spaced whatever the answers do (an open loop). */
  readonly rate: number;
  readonly seconds: number;
  /** The next request to send; called once per request, at its send time. */
  readonly next: () => PacedRequest;
  /** A request unanswered this long counts as a timeout (and its socket is dropped). */
  readonly timeoutMs: number;
}

export interface PacedStats {
  readonly sent: number;
  /** Requests answered (any status) per second, over the time from the first send to the last answer. */
  readonly achievedRate: number;
  /** From the time each request was due to be sent to its last byte: a late send counts too. */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly statuses: Readonly<Record<string, number>>;
  readonly non2xx: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
}

/**
 * Sends `rate` requests per second, evenly spaced, for `seconds`, over keep-alive connections
 * opened as needed: an open loop, so a slow server is measured as growing latency instead of
 * being sent less (coordinated omission). autocannon's overallRate is not that: each connection
 * sends its quota of the second back to back as the second starts, so the server sees one burst a
 * second, and the tail latency then follows the connection count rather than the rate.
 */
export async function paceRequests(options: PacedOptions): Promise<PacedStats> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const intervalMs = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let lastAnswer = 0;
  const pending: Promise<void>[] = [];

  const send = (dueAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      let settled = false;
      const fail = (): void => {
        if (settled) return;
        settled = true;
        errors++;
        resolve();
      };
      const spec = options.next();
      const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
      const req = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec.method,
          path: spec.path,
          headers: body === undefined ? spec.headers : { ...spec.headers, 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            settled = true;
            const now = performance.now();
            latencies.push(now - dueAt);
            lastAnswer = Math.max(lastAnswer, now);
            const status = String(res.statusCode ?? 0);
            statuses[status] = (statuses[status] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', fail);
      req.end(body);
    });

  const started = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && started + sent * intervalMs <= now) {
        pending.push(send(started + sent * intervalMs));
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  agent.destroy();

  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0);
  const answered = sorted.length;
  const non2xx = Object.entries(statuses).reduce((sum, [status, count]) => (status.startsWith('2') ? sum : sum + count), 0);
  return {
    sent: total,
    achievedRate: answered > 0 ? round((answered * 1000) / Math.max(lastAnswer - started, options.seconds * 1000)) : 0,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted.at(-1) ?? 0) },
    statuses,
    non2xx,
    errors,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
