import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaBundling, lambdaNodeOptions } from '../infra/constructs/lambdaBundling.js';
import { CONSOLE_FUNCTION } from '../infra/constructs/AuditorFunctions.js';
import { readEngineEnvironment } from '../functions/shared/readEngineEnvironment.js';
import { startFakeAwsEndpoint } from './startFakeAwsEndpoint.js';
import { toEsbuildOptions } from './toEsbuildOptions.js';

// The cold-start benchmark (`npm run bench`, section "coldstart"): every functions/*/handler.ts
// bundled exactly as CDK bundles it (infra/constructs/lambdaBundling.ts), then imported in a fresh
// `node` per sample, timing `await import(bundle)`: module evaluation plus the handler's top-level
// await (the engine's SSM read), against a local fake of the AWS APIs. A minimal middy + DynamoDB
// handler bundled the same way is the baseline. Each sample runs with the deployed NODE_OPTIONS
// (--enable-source-maps) and once more without, to price the source map. BENCH_COLDSTART_SAMPLES
// sets the samples (default 7).

const SAMPLES = Number(process.env.BENCH_COLDSTART_SAMPLES ?? 7);
const SAMPLE_TIMEOUT_MS = 30_000;
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
/** The example operator config: three connectors, policy, leaver, one HR source (4 KB of the SSM parameter's 8). */
const CONFIG_FILE = 'examples/perimeter.example.json';
const CONFIG_PARAMETER = '/perimeter/bench/config';
const BASELINE_ENTRY = 'bench/baselineHandler.ts';

/** Prints one line the parent parses; process.exit because SDK clients keep sockets open. */
const MEASURE = `
const started = performance.now();
await import(process.env.BENCH_BUNDLE_URL);
const done = performance.now();
process.stdout.write('BENCH_INIT ' + JSON.stringify({ initMs: done - started, processMs: done }) + '\\n');
process.exit(0);
`;

export interface Spread {
  readonly median: number;
  readonly p90: number;
}

export interface ColdStartRow {
  /** The folder under functions/, or "baseline". */
  readonly name: string;
  readonly bundleBytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  /** `await import(bundle)`: evaluation and top-level await. */
  readonly initMs: Spread;
  /** From the process's start to the import done: adds Node's own start-up. */
  readonly processMs: Spread;
  /** initMs without NODE_OPTIONS=--enable-source-maps: what loading the source map costs. */
  readonly initWithoutSourceMapsMs: Spread;
  /** The AWS operations one init called (from the first sample). */
  readonly awsCalls: readonly string[];
}

export interface ColdStartFigures {
  readonly nodeVersion: string;
  readonly samples: number;
  readonly target: string;
  readonly rows: readonly ColdStartRow[];
  readonly baseline: ColdStartRow;
}

interface Subject {
  readonly name: string;
  readonly entry: string;
  readonly environment: Record<string, string>;
  readonly bundledDirectories: readonly { from: string; to: string }[];
}

interface Bundle {
  readonly subject: Subject;
  readonly file: string;
  readonly bundleBytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
}

export async function runColdStartBench(samples = SAMPLES): Promise<ColdStartFigures> {
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`BENCH_COLDSTART_SAMPLES must be a positive whole number, not ${samples}`);
  const configText = JSON.stringify(JSON.parse(await readFile(CONFIG_FILE, 'utf8')) as unknown);
  const subjects = [...(await handlerSubjects()), { name: 'baseline', entry: BASELINE_ENTRY, environment: {}, bundledDirectories: [] }];
  const secretIds = subjects.flatMap((subject) => Object.entries(subject.environment).filter(([key]) => key.endsWith('_SECRET_ID')).map(([, value]) => value));
  const aws = await startFakeAwsEndpoint({
    parameters: { [CONFIG_PARAMETER]: configText },
    secrets: Object.fromEntries(secretIds.map((id) => [id, JSON.stringify({ tokens: [] })])),
  });
  const outRoot = await mkdtemp(join(tmpdir(), 'perimeter-coldstart-'));
  try {
    const bundles: Bundle[] = [];
    for (const subject of subjects) bundles.push(await bundle(subject, join(outRoot, subject.name)));

    const timings = new Map<string, { initMs: number[]; processMs: number[]; bareInitMs: number[]; awsCalls?: string[] }>(
      bundles.map((b) => [b.subject.name, { initMs: [], processMs: [], bareInitMs: [] }]),
    );
    // Round-robin, so a burst of load on the machine lands on every function alike.
    for (let sample = 0; sample < samples; sample++) {
      for (const b of bundles) {
        const before = aws.calls.length;
        const measured = await measureInit(b, aws.url, lambdaNodeOptions);
        const timing = timings.get(b.subject.name);
        if (!timing) throw new Error(`no timings for ${b.subject.name}`);
        timing.initMs.push(measured.initMs);
        timing.processMs.push(measured.processMs);
        const calls = aws.calls.slice(before);
        const refused = calls.filter((call) => !call.answered);
        if (refused.length > 0) {
          throw new Error(`${b.subject.name}'s init called AWS operations the fake does not answer: ${refused.map((call) => call.operation).join(', ')}`);
        }
        timing.awsCalls ??= calls.map((call) => call.operation);
        timing.bareInitMs.push((await measureInit(b, aws.url, '')).initMs);
      }
    }
    const rows = bundles.map((b): ColdStartRow => {
      const timing = timings.get(b.subject.name);
      if (!timing) throw new Error(`no timings for ${b.subject.name}`);
      return {
        name: b.subject.name,
        bundleBytes: b.bundleBytes,
        gzipBytes: b.gzipBytes,
        sourceMapBytes: b.sourceMapBytes,
        initMs: spread(timing.initMs),
        processMs: spread(timing.processMs),
        initWithoutSourceMapsMs: spread(timing.bareInitMs),
        awsCalls: timing.awsCalls ?? [],
      };
    });
    const baseline = rows.find((row) => row.name === 'baseline');
    if (!baseline) throw new Error('the baseline was not measured');
    return {
      nodeVersion: process.version,
      samples,
      target: lambdaBundling.target ?? '?',
      rows: rows.filter((row) => row !== baseline),
      baseline,
    };
  } finally {
    await aws.close();
    await rm(outRoot, { recursive: true, force: true });
  }
}

/**
 * Every functions/<name>/handler.ts with the environment its init reads: the engine's (the names
 * readEngineEnvironment asks for, the contract infra/constructs/engineEnvironment.ts fills) when
 * it builds the engine, and each `requireEnv('NAME')` of the handler itself. Values are shaped
 * like the deployed ones.
 */
async function handlerSubjects(): Promise<Subject[]> {
  const engineKeys: string[] = [];
  readEngineEnvironment(
    new Proxy({} as Record<string, string>, {
      get: (_, key): string => {
        if (typeof key === 'string') engineKeys.push(key);
        return 'x';
      },
    }),
  );
  const folders = (await readdir('functions', { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const subjects: Subject[] = [];
  for (const folder of folders.sort()) {
    const entry = `functions/${folder}/handler.ts`;
    let source: string;
    try {
      source = await readFile(entry, 'utf8');
    } catch {
      continue; // functions/shared and the like: no entry point
    }
    const keys = new Set<string>(source.includes('readEngineEnvironment(') ? engineKeys : []);
    for (const match of source.matchAll(/requireEnv\('([A-Z0-9_]+)'\)/g)) if (match[1]) keys.add(match[1]);
    subjects.push({
      name: folder,
      entry,
      environment: Object.fromEntries([...keys].map((key) => [key, deployedLikeValue(key)])),
      bundledDirectories: entry === CONSOLE_FUNCTION.entry ? (CONSOLE_FUNCTION.bundledDirectories ?? []) : [],
    });
  }
  if (subjects.length === 0) throw new Error('no functions/*/handler.ts found; run the bench from the repository root');
  return subjects;
}

function deployedLikeValue(key: string): string {
  if (key === 'CONFIG_PARAMETER') return CONFIG_PARAMETER;
  if (key === 'SECRET_PREFIX') return 'perimeter/';
  if (key.endsWith('_QUEUE_URL') || key === 'QUEUE_URL') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/PerimeterService-${key.toLowerCase()}.fifo`;
  if (key.endsWith('_SECRET_ID')) return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${key.toLowerCase()}-AbCdEf`;
  if (key.endsWith('_TABLE')) return `PerimeterStateful-${key.toLowerCase()}-ABCDEF123456`;
  if (key === 'SCHEDULER_TARGET_ARN') return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:PerimeterService-ScheduledJob`;
  if (key.endsWith('_ROLE_ARN')) return `arn:aws:iam::${ACCOUNT}:role/PerimeterService-SchedulerRole-ABCDEF`;
  if (key.endsWith('_KEY_ARN')) return `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
  return `perimeter-bench-${key.toLowerCase().replaceAll('_', '-')}`;
}

async function bundle(subject: Subject, outdir: string): Promise<Bundle> {
  const options = toEsbuildOptions(lambdaBundling, subject.entry, outdir);
  try {
    await build(options);
  } catch (error) {
    throw new Error(`Bundling ${subject.entry} failed`, { cause: error });
  }
  // What PerimeterFunction's afterBundling hook copies (the console's static files).
  for (const { from, to } of subject.bundledDirectories) await cp(from, join(outdir, to), { recursive: true });
  const code = await readFile(options.outfile);
  const map = await stat(`${options.outfile}.map`).then(
    (s) => s.size,
    () => 0,
  );
  return { subject, file: resolve(options.outfile), bundleBytes: code.length, gzipBytes: gzipSync(code).length, sourceMapBytes: map };
}

/**
 * One fresh `node`, the environment a deployed function has (and nothing of this process's), with
 * the given NODE_OPTIONS (the deployed lambdaNodeOptions, or none to price the source map).
 */
async function measureInit(b: Bundle, awsEndpoint: string, nodeOptions: string): Promise<{ initMs: number; processMs: number }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TZ: ':UTC',
    NODE_OPTIONS: nodeOptions,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
    AWS_SESSION_TOKEN: 'bench-session-token',
    AWS_ENDPOINT_URL: awsEndpoint,
    AWS_LAMBDA_FUNCTION_NAME: `PerimeterService-${b.subject.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    // Local Node is 20, Lambda's 22: the SDK's notice about Node 20 would not print there.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...b.subject.environment,
    BENCH_BUNDLE_URL: pathToFileURL(b.file).href,
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', MEASURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolveExit, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${b.subject.name}'s init did not finish in ${SAMPLE_TIMEOUT_MS} ms. stderr: ${stderr}`));
    }, SAMPLE_TIMEOUT_MS);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolveExit(exitCode);
    });
  });
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_INIT '));
  if (code !== 0 || line === undefined) {
    throw new Error(`${b.subject.name}'s init failed (exit ${code}). stderr: ${stderr.slice(0, 4000)} stdout: ${stdout.slice(0, 2000)}`);
  }
  return JSON.parse(line.slice('BENCH_INIT '.length)) as { initMs: number; processMs: number };
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 10) / 10;
  return { median: at(0.5), p90: at(0.9) };
}
