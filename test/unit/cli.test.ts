import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';

const root = await mkdtemp(join(tmpdir(), 'perimeter-cli-'));
let dirs = 0;

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function freshDataDir(): string {
  dirs += 1;
  return join(root, `data-${dirs}`);
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --import tsx local/cli.ts ...args` as an operator would, feeding `stdin` if given. */
async function runCli(dataDir: string, args: string[], stdin?: string): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
    env: { ...process.env, PERIMETER_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(stdin ?? '');
  const code = await new Promise<number | null>((done) => child.once('close', done));
  return { code, stdout, stderr };
}

const VALUE = 'okta-api-token-CLI-MARKER-91c2';

// Each run is its own process with its own data directory, so they can run side by side.
describe.concurrent('perimeter CLI: secrets', () => {
  it('puts a value from stdin, then lists and describes it without ever printing it', async () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const put = await runCli(dataDir, ['secrets', 'put', 'perimeter/connectors/okta', '--from-stdin'], `${VALUE}\n`);
    const [list, described] = await Promise.all([
      runCli(dataDir, ['secrets', 'list']),
      runCli(dataDir, ['secrets', 'describe', 'perimeter/connectors/okta']),
    ]);

    // Assess
    expect([put.code, list.code, described.code]).toEqual([0, 0, 0]);
    expect(put.stdout).toMatch(/^Stored secret "perimeter\/connectors\/okta" as version [0-9a-f-]{36} \(AWSCURRENT\)/);
    expect(list.stdout).toMatch(/^perimeter\/connectors\/okta\tAWSCURRENT\tchanged \d{4}-/);
    const description = JSON.parse(described.stdout) as { name: string; versions: Record<string, string[]> };
    expect(description.name).toBe('perimeter/connectors/okta');
    expect(Object.values(description.versions)).toEqual([['AWSCURRENT']]);
    for (const run of [put, list, described]) {
      expect(run.stdout).not.toContain('CLI-MARKER');
      expect(run.stderr).not.toContain('CLI-MARKER');
    }
    // The trailing newline from the pipe is not part of the credential.
    const store = await LocalSecretStore.open({ dataDir });
    expect((await store.getSecretValue('perimeter/connectors/okta'))?.value).toBe(VALUE);
  });

  it('puts a value from a file, and a second put keeps the first as AWSPREVIOUS', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const first = join(root, 'first-value.txt');
    const second = join(root, 'second-value.txt');
    await writeFile(first, `${VALUE}-1`, { mode: 0o600 });
    await writeFile(second, `${VALUE}-2\r\n`, { mode: 0o600 });

    // Act
    const runs = [
      await runCli(dataDir, ['secrets', 'put', 'perimeter/connectors/okta', '--from-file', first]),
      await runCli(dataDir, ['secrets', 'put', 'perimeter/connectors/okta', '--from-file', second]),
    ];
    const list = await runCli(dataDir, ['secrets', 'list']);

    // Assess
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(list.stdout).toMatch(/^perimeter\/connectors\/okta\tAWSCURRENT,AWSPREVIOUS\t/);
    for (const run of [...runs, list]) expect(run.stdout + run.stderr).not.toContain('CLI-MARKER');
    const store = await LocalSecretStore.open({ dataDir });
    expect((await store.getSecretValue('perimeter/connectors/okta'))?.value).toBe(`${VALUE}-2`);
    expect((await store.getSecretValue('perimeter/connectors/okta', 'AWSPREVIOUS'))?.value).toBe(`${VALUE}-1`);
  });

  it.each([
    ['the value as an argument', ['secrets', 'put', 'perimeter/connectors/okta', VALUE], /never from the command line/],
    ['the value as an option', ['secrets', 'put', 'perimeter/connectors/okta', `--${VALUE}`], /unknown option/],
    ['the value as an option value', ['secrets', 'put', 'perimeter/connectors/okta', `--value=${VALUE}`], /unknown option/],
    ['no source', ['secrets', 'put', 'perimeter/connectors/okta'], /exactly one of --from-file <path> or --from-stdin/],
    ['both sources', ['secrets', 'put', 'perimeter/connectors/okta', '--from-stdin', '--from-file', '/dev/null'], /exactly one of/],
    ['a file that does not exist', ['secrets', 'put', 'perimeter/connectors/okta', '--from-file', join('/nonexistent', VALUE)], /Cannot read the secret value \(ENOENT\)/],
  ])('refuses %s with status 2, without echoing it or storing anything', async (_case, args, message) => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const run = await runCli(dataDir, args, 'piped-but-unused\n');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout + run.stderr).not.toContain('CLI-MARKER');
    expect(await readdir(dataDir).catch(() => [])).not.toContain('secrets');
  });

  it('refuses an empty value and a name Secrets Manager would not accept, with status 1', async () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const [empty, badName] = await Promise.all([
      runCli(dataDir, ['secrets', 'put', 'perimeter/connectors/okta', '--from-stdin'], '\n'),
      runCli(dataDir, ['secrets', 'put', 'perimeter connectors', '--from-stdin'], VALUE),
    ]);

    // Assess
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/cannot be empty/);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/letters, digits and/);
    expect(badName.stderr).not.toContain('CLI-MARKER');
    expect(await (await LocalSecretStore.open({ dataDir })).listSecrets()).toEqual([]);
  });

  it('reports a secret that does not exist with status 1, and an empty store as such', async () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const [described, list] = await Promise.all([
      runCli(dataDir, ['secrets', 'describe', 'perimeter/connectors/okta']),
      runCli(dataDir, ['secrets', 'list']),
    ]);

    // Assess
    expect(described.code).toBe(1);
    expect(described.stderr).toBe('Secret "perimeter/connectors/okta" does not exist\n');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^No secrets yet/);
  });
});

describe('perimeter CLI: token new', () => {
  it('still prints a new token and its hashed secret entry', async () => {
    // Act
    const run = await runCli(freshDataDir(), ['token', 'new', '--label', 'okta']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Token \(give it to the IdP; it is not stored anywhere\): prm_scim_[\w-]{32}\n/);
    expect(run.stdout).toMatch(/Secret entry: \{"label":"okta","sha256":"[0-9a-f]{64}"\}\n$/);
  });
});
