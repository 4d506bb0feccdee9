import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';
import { SecretStoreError } from '../../lib/secrets/SecretStoreError.js';
import { secretStoreContract } from './secretStoreContract.js';

const root = await mkdtemp(join(tmpdir(), 'perimeter-secrets-'));
let dirs = 0;

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A data directory that does not exist yet, so each test sees the store's first start. */
function freshDataDir(): string {
  dirs += 1;
  return join(root, `data-${dirs}`);
}

function secretFile(dataDir: string, name: string): string {
  return join(dataDir, 'secrets', `${createHash('sha256').update(name).digest('hex')}.json`);
}

interface SecretFile {
  versions: { versionId: string; stages: string[]; iv: string; tag: string; ciphertext: string }[];
}

async function readSecretFile(dataDir: string, name: string): Promise<SecretFile> {
  return JSON.parse(await readFile(secretFile(dataDir, name), 'utf8')) as SecretFile;
}

async function writeSecretFile(dataDir: string, name: string, content: SecretFile): Promise<void> {
  await writeFile(secretFile(dataDir, name), JSON.stringify(content));
}

async function rejection(promise: Promise<unknown>): Promise<SecretStoreError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SecretStoreError);
  return outcome as SecretStoreError;
}

/** Every file under a directory, recursively, as raw bytes. */
async function allFiles(directory: string): Promise<Buffer[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name))));
}

const NAME = 'perimeter/connectors/okta';
const VALUE = 'okta-api-token-PLAINTEXT-MARKER-7f3a';
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

secretStoreContract('LocalSecretStore', () => LocalSecretStore.open({ dataDir: freshDataDir() }));

describe('LocalSecretStore', () => {
  it('creates the key (32 bytes, 0600) and its directories (0700) on first use', async () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    await LocalSecretStore.open({ dataDir });

    // Assess
    const key = await stat(join(dataDir, 'secrets.key'));
    expect(key.mode & 0o777).toBe(0o600);
    expect(key.size).toBe(32);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
  });

  it('keeps values on disk only as ciphertext, in 0600 files', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });

    // Act
    await store.putSecretValue(NAME, VALUE);
    await store.putSecretValue(NAME, `${VALUE}-next`, { stages: ['AWSPENDING'] });

    // Assess
    const files = await allFiles(dataDir);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const content of files) {
      expect(content.includes(Buffer.from('PLAINTEXT-MARKER'))).toBe(false);
      expect(content.includes(Buffer.from(VALUE).toString('base64').slice(0, 20))).toBe(false);
    }
    expect((await stat(secretFile(dataDir, NAME))).mode & 0o777).toBe(0o600);
    expect((await readSecretFile(dataDir, NAME)).versions).toHaveLength(2);
  });

  it('reads back what an earlier process wrote', async () => {
    // Prepare
    const dataDir = freshDataDir();
    await (await LocalSecretStore.open({ dataDir })).putSecretValue(NAME, VALUE, { clientRequestToken: TOKEN_A });

    // Act
    const reopened = await LocalSecretStore.open({ dataDir });
    const read = await reopened.getSecretValue(NAME);

    // Assess
    expect(read).toMatchObject({ versionId: TOKEN_A, value: VALUE, stages: ['AWSCURRENT'] });
  });

  it.each(['ciphertext', 'tag', 'iv'] as const)('detects one flipped byte in the %s', async (field) => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, VALUE);
    const content = await readSecretFile(dataDir, NAME);
    const version = content.versions[0]!;
    const bytes = Buffer.from(version[field], 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    version[field] = bytes.toString('base64');
    await writeSecretFile(dataDir, NAME, content);

    // Act
    const error = await rejection(store.getSecretValue(NAME));

    // Assess
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/integrity check/);
    expect(error.message).not.toContain(VALUE);
  });

  it('refuses a ciphertext moved to another secret, even under the same version id', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, VALUE, { clientRequestToken: TOKEN_A });
    await store.putSecretValue('perimeter/connectors/slack', 'slack-value', { clientRequestToken: TOKEN_A });
    const okta = (await readSecretFile(dataDir, NAME)).versions[0]!;
    const slack = await readSecretFile(dataDir, 'perimeter/connectors/slack');
    slack.versions[0] = { ...slack.versions[0]!, iv: okta.iv, tag: okta.tag, ciphertext: okta.ciphertext };
    await writeSecretFile(dataDir, 'perimeter/connectors/slack', slack);

    // Act
    const error = await rejection(store.getSecretValue('perimeter/connectors/slack'));

    // Assess
    expect(error.message).toMatch(/integrity check/);
    expect(error.message).not.toContain(VALUE);
  });

  it('refuses an old value replayed into the current version', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, 'okta-api-token-old', { clientRequestToken: TOKEN_A });
    await store.putSecretValue(NAME, 'okta-api-token-new', { clientRequestToken: TOKEN_B });
    const content = await readSecretFile(dataDir, NAME);
    const previous = content.versions.find((version) => version.versionId === TOKEN_A)!;
    const current = content.versions.find((version) => version.versionId === TOKEN_B)!;
    Object.assign(current, { iv: previous.iv, tag: previous.tag, ciphertext: previous.ciphertext });
    await writeSecretFile(dataDir, NAME, content);

    // Act
    const error = await rejection(store.getSecretValue(NAME));

    // Assess
    expect(error.message).toMatch(/integrity check/);
  });

  it('refuses a secret file copied over another secret', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, VALUE);
    await store.putSecretValue('perimeter/connectors/slack', 'slack-value');
    await writeFile(secretFile(dataDir, 'perimeter/connectors/slack'), await readFile(secretFile(dataDir, NAME)));

    // Act
    const read = await rejection(store.getSecretValue('perimeter/connectors/slack'));
    const list = await rejection(store.listSecrets());

    // Assess
    expect(read.message).toMatch(/holds secret "perimeter\/connectors\/okta"/);
    expect(list.message).toMatch(/not that secret's file/);
  });

  it('fails clearly, and writes nothing, when the key is not the one the secrets were sealed with', async () => {
    // Prepare
    const dataDir = freshDataDir();
    await (await LocalSecretStore.open({ dataDir })).putSecretValue(NAME, VALUE);
    const before = await readFile(secretFile(dataDir, NAME), 'utf8');
    await writeFile(join(dataDir, 'secrets.key'), randomBytes(32), { mode: 0o600 });
    const store = await LocalSecretStore.open({ dataDir });

    // Act
    const read = await rejection(store.getSecretValue(NAME));
    const write = await rejection(store.putSecretValue(NAME, 'okta-api-token-2'));

    // Assess
    expect(read.code).toBe('unavailable');
    expect(read.message).toMatch(/different key/);
    expect(read.message).not.toContain(VALUE);
    expect(write.message).toMatch(/different key/);
    expect(await readFile(secretFile(dataDir, NAME), 'utf8')).toBe(before);
  });

  it.each(['0640', '0604', '0660', '0620'])('refuses to open when the key file has mode %s', async (mode) => {
    // Prepare
    const dataDir = freshDataDir();
    await LocalSecretStore.open({ dataDir });
    await chmod(join(dataDir, 'secrets.key'), Number.parseInt(mode, 8));

    // Act
    const error = await rejection(LocalSecretStore.open({ dataDir }));

    // Assess
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/accessible to group or others/);
    expect(error.message).toContain(`chmod 600 ${join(dataDir, 'secrets.key')}`);
  });

  it('opens with a key only its owner can read (0400)', async () => {
    // Prepare
    const dataDir = freshDataDir();
    await (await LocalSecretStore.open({ dataDir })).putSecretValue(NAME, VALUE);
    await chmod(join(dataDir, 'secrets.key'), 0o400);

    // Act
    const store = await LocalSecretStore.open({ dataDir });

    // Assess
    expect((await store.getSecretValue(NAME))?.value).toBe(VALUE);
  });

  it('refuses a key file that is not 32 bytes long', async () => {
    // Prepare
    const dataDir = freshDataDir();
    await LocalSecretStore.open({ dataDir });
    await writeFile(join(dataDir, 'secrets.key'), randomBytes(16), { mode: 0o600 });

    // Act
    const error = await rejection(LocalSecretStore.open({ dataDir }));

    // Assess
    expect(error.message).toMatch(/exactly 32 bytes but holds 16/);
  });

  it('creates exactly one key when several stores start at once', async () => {
    // Prepare
    const dataDir = freshDataDir();

    // Act
    const stores = await Promise.all([1, 2, 3, 4, 5].map(() => LocalSecretStore.open({ dataDir })));
    await stores[0]!.putSecretValue(NAME, VALUE);

    // Assess
    for (const store of stores) expect((await store.getSecretValue(NAME))?.value).toBe(VALUE);
    expect((await readdir(dataDir)).sort()).toEqual(['secrets', 'secrets.key']);
  });

  it('removes a version from disk once it holds no stage', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
    await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B });

    // Act
    await store.putSecretValue(NAME, 'okta-api-token-3');

    // Assess
    const versionIds = (await readSecretFile(dataDir, NAME)).versions.map((version) => version.versionId);
    expect(versionIds).toHaveLength(2);
    expect(versionIds).not.toContain(TOKEN_A);
  });

  it('records lastChangedAt on every change and lastRotatedAt when AWSCURRENT moves', async () => {
    // Prepare
    let now = new Date('2025-06-01T00:00:00.000Z');
    const store = await LocalSecretStore.open({ dataDir: freshDataDir(), now: () => now });
    await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
    now = new Date('2025-06-02T00:00:00.000Z');
    await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });
    const staged = await store.describeSecret(NAME);

    // Act
    now = new Date('2025-06-03T00:00:00.000Z');
    await store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_A });
    const rotated = await store.describeSecret(NAME);

    // Assess
    expect(staged).toMatchObject({ createdAt: '2025-06-01T00:00:00.000Z', lastChangedAt: '2025-06-02T00:00:00.000Z' });
    expect(staged?.lastRotatedAt).toBeUndefined();
    expect(rotated).toMatchObject({
      createdAt: '2025-06-01T00:00:00.000Z',
      lastChangedAt: '2025-06-03T00:00:00.000Z',
      lastRotatedAt: '2025-06-03T00:00:00.000Z',
    });
  });

  it.each(['', 'with space', 'x'.repeat(513), 'perimeter/ok\u00e9', 'perimeter:okta'])('rejects the secret name %j', async (name) => {
    // Prepare
    const store = await LocalSecretStore.open({ dataDir: freshDataDir() });

    // Act
    const error = await rejection(store.putSecretValue(name, VALUE));

    // Assess
    expect(error.code).toBe('invalid');
  });

  it('keeps a path-like name inside the secrets directory', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });

    // Act
    await store.putSecretValue('../../escaped', VALUE);

    // Assess
    expect((await readdir(root)).filter((entry) => entry.includes('escaped'))).toEqual([]);
    expect(await readdir(join(dataDir, 'secrets'))).toEqual([secretFile(dataDir, '../../escaped').split('/').pop()]);
    expect((await store.getSecretValue('../../escaped'))?.value).toBe(VALUE);
  });

  it('ignores temporary files a killed write left behind, and clears the stale ones at start', async () => {
    // Prepare
    const dataDir = freshDataDir();
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(NAME, VALUE);
    const stale = `${secretFile(dataDir, NAME)}.0a1b2c3d4e5f.tmp`;
    const fresh = `${secretFile(dataDir, NAME)}.f5e4d3c2b1a0.tmp`;
    await writeFile(stale, '{"torn":');
    await writeFile(fresh, '{"torn":');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(stale, twoMinutesAgo, twoMinutesAgo);

    // Act
    const reopened = await LocalSecretStore.open({ dataDir });
    const listed = await reopened.listSecrets();

    // Assess
    expect(listed.map((secret) => secret.name)).toEqual([NAME]);
    expect((await reopened.getSecretValue(NAME))?.value).toBe(VALUE);
    const remaining = await readdir(join(dataDir, 'secrets'));
    expect(remaining).not.toContain(stale.split('/').pop());
    expect(remaining).toContain(fresh.split('/').pop());
  });

  it('never lets a reader see a half-written file', async () => {
    // Prepare
    const store = await LocalSecretStore.open({ dataDir: freshDataDir() });
    await store.putSecretValue(NAME, 'okta-api-token-0');
    let writing = true;

    // Act: reads are not queued behind writes, so each one races the write in progress.
    const writes = (async () => {
      for (let i = 1; i <= 100; i += 1) await store.putSecretValue(NAME, `okta-api-token-${i}`);
      writing = false;
    })();
    const reads: string[] = [];
    while (writing) reads.push((await store.getSecretValue(NAME))?.value ?? 'missing');
    await writes;

    // Assess
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.filter((value) => !/^okta-api-token-\d+$/.test(value))).toEqual([]);
  });

  it('leaves every secret readable when the writing process is killed with SIGKILL', async () => {
    // Prepare: a child process rewrites one secret as fast as it can.
    const dataDir = freshDataDir();
    const writer = join(root, 'writer.mjs');
    await writeFile(
      writer,
      [
        "const { LocalSecretStore } = await import(process.argv[2]);",
        'const store = await LocalSecretStore.open({ dataDir: process.argv[3] });',
        'for (let i = 0; ; i += 1) {',
        `  await store.putSecretValue(${JSON.stringify(NAME)}, 'okta-api-token-' + i);`,
        "  if (i === 20) process.stdout.write('ready\\n');",
        '}',
      ].join('\n'),
    );
    const moduleUrl = pathToFileURL(resolve('lib/adapters/local/LocalSecretStore.ts')).href;
    const child = spawn(process.execPath, ['--import', 'tsx', writer, moduleUrl, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) ready();
      });
      child.once('exit', (code) => fail(new Error(`writer exited early with ${code}`)));
    });

    // Act: the writer said ready after its 20th write and writes on without a pause, so the kill
    // lands while it is rewriting the secret.
    child.kill('SIGKILL');
    await once(child, 'exit');

    // Assess
    const store = await LocalSecretStore.open({ dataDir });
    const current = await store.getSecretValue(NAME);
    const previous = await store.getSecretValue(NAME, 'AWSPREVIOUS');
    expect(current?.value).toMatch(/^okta-api-token-\d+$/);
    expect(previous?.value).toMatch(/^okta-api-token-\d+$/);
    expect(Number(current?.value.split('-').pop())).toBe(Number(previous?.value.split('-').pop()) + 1);
    expect((await store.listSecrets()).map((secret) => secret.name)).toEqual([NAME]);
  });
});
