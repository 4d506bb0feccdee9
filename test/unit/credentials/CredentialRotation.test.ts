import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../../lib/adapters/local/LocalSecretStore.js';
import type { Credential } from '../../../lib/connector-sdk/Credential.js';
import { CredentialRotation } from '../../../lib/credentials/CredentialRotation.js';
import type { CredentialRotator } from '../../../lib/connector-sdk/CredentialRotator.js';
import { parseCredential } from '../../../lib/credentials/parseCredential.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

type OAuth2Credential = Extract<Credential, { type: 'oauth2-refresh' }>;

const SECRET = 'perimeter/app-oauth';
const TOKEN = 'c0ffee00-0000-4000-8000-00000000f1n1';

/** Issues numbered tokens without a network: these tests are about the bookkeeping around steps. */
function stubRotator(): CredentialRotator<OAuth2Credential> {
  let issued = 0;
  return {
    type: 'oauth2-refresh',
    create: async (current) => {
      issued++;
      return { ...current, refreshToken: `refresh-${issued}`, accessToken: `access-${issued}` };
    },
    test: async () => undefined,
    retire: async () => undefined,
    accessToken: (credential) => (credential.accessToken ? { token: credential.accessToken } : undefined),
  };
}

describe('CredentialRotation (local mode: whole rotations, resumed after a crash)', () => {
  let dataDir: string;
  let secrets: LocalSecretStore;
  let ledgerStore: InMemoryLedgerStore;
  let rotation: CredentialRotation;
  /** The store's, the rotation's and the ledger's clock: real time, plus what a test skipped ahead. */
  let skippedMs = 0;
  const now = (): Date => new Date(Date.now() + skippedMs);

  beforeEach(async () => {
    skippedMs = 0;
    dataDir = await mkdtemp(join(tmpdir(), 'perimeter-rotation-unit-'));
    secrets = await LocalSecretStore.open({ dataDir, now });
    await secrets.putSecretValue(SECRET, JSON.stringify({ type: 'oauth2-refresh', tokenUrl: 'http://127.0.0.1:1/token', clientId: 'client', refreshToken: 'refresh-0' }));
    ledgerStore = new InMemoryLedgerStore();
    const rotator = stubRotator();
    rotation = new CredentialRotation({ secrets, ledger: new Ledger(ledgerStore, now), ledgerStore, rotatorFor: () => rotator as CredentialRotator, parse: parseCredential, now });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const finishes = async (): Promise<[unknown, string][]> =>
    (await ledgerStore.chain(`credential#${SECRET}`))
      .filter((event) => event.type === 'rotation.finishSecret')
      .map((event) => [(event.detail as { versionId?: unknown }).versionId, event.outcome]);

  it.each([
    ['between its two stage moves', false],
    ['after both stage moves', true],
  ])('records the finish of a rotation a crash cut off %s, before the ledger append', async (_, pendingRemoved) => {
    // Prepare: createSecret, setSecret and testSecret ran and were recorded; finishSecret promoted
    // the new version, and the process died before recording it.
    for (const step of ['createSecret', 'setSecret', 'testSecret'] as const) await rotation.step(SECRET, TOKEN, step, 'test');
    const previous = await secrets.getSecretValue(SECRET, 'AWSCURRENT');
    await secrets.updateVersionStage(SECRET, 'AWSCURRENT', { moveToVersionId: TOKEN, removeFromVersionId: previous?.versionId as string });
    if (pendingRemoved) await secrets.updateVersionStage(SECRET, 'AWSPENDING', { removeFromVersionId: TOKEN });

    // Act: the next rotation, in a new process.
    const run = await rotation.rotateNow(SECRET, 'test');

    // Assess: the cut-off finish is on record (found done), then the new rotation ran in full.
    expect(run).toMatchObject({ resumed: false });
    expect(await finishes()).toEqual([
      [TOKEN, 'skipped'],
      [run.versionId, 'applied'],
    ]);
    expect((await secrets.getSecretValue(SECRET, 'AWSCURRENT'))?.versionId).toBe(run.versionId);
  });

  it('adds no record for a version an operator stored, nor for a rotation already recorded', async () => {
    // Prepare: one complete rotation, then the operator replaces the credential by hand.
    const first = await rotation.rotateNow(SECRET, 'test');
    const second = await rotation.rotateNow(SECRET, 'test');
    await secrets.putSecretValue(SECRET, JSON.stringify({ type: 'oauth2-refresh', tokenUrl: 'http://127.0.0.1:1/token', clientId: 'client', refreshToken: 'reauthorized' }));

    // Act
    const third = await rotation.rotateNow(SECRET, 'test');

    // Assess: one finish per rotation, none for the operator's version.
    expect(await finishes()).toEqual([
      [first.versionId, 'applied'],
      [second.versionId, 'applied'],
      [third.versionId, 'applied'],
    ]);
  });

  it('does not resume a rotation an operator overtook: the operator’s credential is the one rotated from, and stays current until then', async () => {
    // Prepare: a rotation stopped after createSecret (its credential pending), then the operator
    // re-authorizes the app and puts the new credential (put leaves AWSPENDING where it was).
    await rotation.step(SECRET, TOKEN, 'createSecret', 'test');
    skippedMs += 5; // the operator's version is the newer one
    const operators = await secrets.putSecretValue(SECRET, JSON.stringify({ type: 'oauth2-refresh', tokenUrl: 'http://127.0.0.1:1/token', clientId: 'client', refreshToken: 'reauthorized' }));

    // Act
    const run = await rotation.rotateNow(SECRET, 'test');

    // Assess: a fresh rotation from the operator's credential, the overtaken version dropped.
    expect(run).toMatchObject({ resumed: false });
    expect(run.versionId).not.toBe(TOKEN);
    const description = await secrets.describeSecret(SECRET);
    expect(description?.versions[TOKEN] ?? []).not.toContain('AWSPENDING');
    expect(description?.versions[operators.versionId]).toContain('AWSPREVIOUS');
    expect((await secrets.getSecretValue(SECRET, 'AWSCURRENT'))?.versionId).toBe(run.versionId);
  });

  it('refuses to go on with an overtaken version when Secrets Manager retries it by its token, and drops its AWSPENDING label', async () => {
    // Prepare
    await rotation.step(SECRET, TOKEN, 'createSecret', 'test');
    skippedMs += 5; // the operator's version is the newer one
    const operators = await secrets.putSecretValue(SECRET, JSON.stringify({ type: 'oauth2-refresh', tokenUrl: 'http://127.0.0.1:1/token', clientId: 'client', refreshToken: 'reauthorized' }));

    // Act
    const createAgain = await rotation.step(SECRET, TOKEN, 'createSecret', 'test').catch((error: unknown) => error);
    const finish = await rotation.step(SECRET, TOKEN, 'finishSecret', 'test').catch((error: unknown) => error);

    // Assess
    expect((createAgain as Error).message).toContain('overtaken');
    expect((finish as Error).message).toContain('no AWSPENDING version');
    expect(await secrets.getSecretValue(SECRET, 'AWSPENDING')).toBeUndefined();
    expect((await secrets.getSecretValue(SECRET, 'AWSCURRENT'))?.versionId).toBe(operators.versionId);
  });
});
