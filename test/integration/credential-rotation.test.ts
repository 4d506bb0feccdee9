import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';
import { ROTATION_STEPS } from '../../lib/credentials/rotateCredentialStep.js';
import { FakeOAuthServer } from '../fakes/oauth/FakeOAuthServer.js';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { approveImports } from '../support/approveImports.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const CLIENT = 'perimeter-client';
const CLIENT_SECRET = 'oauth-client-secret-for-tests';
const SECRET_NAME = 'perimeter/app-oauth';

/**
 * The credentials issue's "done when": an app whose API accepts only access tokens from an OAuth
 * server that rotates refresh tokens (each works once; reuse revokes the family). Provisioning keeps
 * working while the credential is rotated repeatedly, and a rotation cut short between any two
 * steps is finished by the next run with a working credential.
 */
describe('credential rotation (OAuth refresh-token rotation against a fake provider)', () => {
  const oauth = new FakeOAuthServer();
  const app = new FakeScimApi();
  const dirs: string[] = [];
  let config: PerimeterConfig;

  beforeAll(async () => {
    await oauth.start();
    await app.start();
    oauth.registerClient(CLIENT, CLIENT_SECRET);
    // The app accepts exactly the access tokens the provider issued (and nothing else).
    oauth.onAccessTokenIssued = (token) => app.validTokens.add(token);
    app.validTokens.add('placeholder-never-issued');
    config = parsePerimeterConfig(
      {
        connectors: [{ id: 'app', type: 'scim', settings: { baseUrl: app.scimBaseUrl }, credential: { secret: SECRET_NAME }, rotation: { intervalHours: 24 } }],
        policy: { rules: [{ id: 'everyone', when: {}, grant: [{ app: 'app' }] }] },
        reconciliation: { intervalMinutes: 0 },
      },
      'test',
    );
  });
  afterAll(async () => {
    await oauth.stop();
    await app.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** A data dir whose local secret store holds a fresh OAuth credential (no access token yet). */
  const freshDataDir = async (): Promise<{ dataDir: string; firstRefreshToken: string }> => {
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-rotation-'));
    dirs.push(dataDir);
    const firstRefreshToken = oauth.issueRefreshToken(CLIENT);
    const store = await LocalSecretStore.open({ dataDir });
    await store.putSecretValue(
      SECRET_NAME,
      JSON.stringify({ type: 'oauth2-refresh', tokenUrl: oauth.tokenUrl, clientId: CLIENT, clientSecret: CLIENT_SECRET, refreshToken: firstRefreshToken }),
    );
    return { dataDir, firstRefreshToken };
  };
  // The app keeps the users earlier tests made: each new deployment imports them before it provisions.
  const start = async (dataDir: string): Promise<TestPerimeter> => {
    const perimeter = await startTestPerimeter({ dataDir, config });
    await approveImports(perimeter);
    return perimeter;
  };
  const createUser = async (perimeter: TestPerimeter, name: string): Promise<number> =>
    (await perimeter.scim('/Users', { method: 'POST', body: { userName: `${name}@example.com`, active: true } })).status;
  const provisioned = (name: string): boolean => app.allUsers().some((user) => user.userName === `${name}@example.com`);

  it('keeps provisioning while rotated repeatedly; the old refresh token is rejected afterwards', async () => {
    // Prepare
    const { dataDir, firstRefreshToken } = await freshDataDir();
    const perimeter = await start(dataDir);
    const finished = async (): Promise<number> =>
      (await perimeter.stores.ledger.chain(`credential#${SECRET_NAME}`)).filter((e) => e.type === 'rotation.finishSecret' && e.outcome === 'applied').length;
    // Starting took the first access token (the new connector's accounts were listed): not one of the five.
    const atStart = await finished();
    try {
      // Act: provisioning and five rotations interleaved
      const rotations = [];
      for (let i = 0; i < 5; i++) {
        expect(await createUser(perimeter, `during-${i}`)).toBe(201);
        rotations.push(await perimeter.admin('/connectors/app/rotate', { method: 'POST' }));
      }
      await perimeter.queue.drained();
      const { letters } = await perimeter.stores.steps.listDeadLetters(10);
      const status = (await perimeter.admin('/connectors')).body.connectors[0].credential;
      const reuse = await fetch(oauth.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT}:${CLIENT_SECRET}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: firstRefreshToken }).toString(),
      });

      // Assess
      expect(rotations.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(Array.from({ length: 5 }, (_, i) => provisioned(`during-${i}`))).toEqual([true, true, true, true, true]);
      expect(letters).toEqual([]);
      expect(status).toMatchObject({ type: 'oauth2-refresh', rotatable: true });
      expect(status.lastRotatedAt).toBeDefined();
      expect(reuse.status).toBe(400);
      expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
      const chain = await perimeter.stores.ledger.chain(`credential#${SECRET_NAME}`);
      expect((await finished()) - atStart).toBe(5);
      expect(JSON.stringify(chain)).not.toContain(CLIENT_SECRET);
    } finally {
      await perimeter.stop();
    }
  });

  it.each([1, 2, 3])('finishes a rotation interrupted after %i of its 4 steps, ending with a working credential', async (done) => {
    // Prepare: a first rotation gives the credential an access token.
    const { dataDir } = await freshDataDir();
    const revocationsBefore = oauth.familyRevocations;
    let perimeter = await start(dataDir);
    await perimeter.app.rotation.rotateNow(SECRET_NAME, 'test');
    const token = `interrupted-rotation-${done}-${'0'.repeat(24)}`;
    for (const step of ROTATION_STEPS.slice(0, done)) await perimeter.app.rotation.step(SECRET_NAME, token, step, 'test');
    // The process dies here.
    await perimeter.stop();

    // Act: a new process, then rotation runs again
    perimeter = await start(dataDir);
    try {
      const run = await perimeter.app.rotation.rotateNow(SECRET_NAME, 'test');
      expect(await createUser(perimeter, `after-crash-${done}`)).toBe(201);
      await perimeter.queue.drained();
      const current = await perimeter.stores.secrets.getSecretValue(SECRET_NAME, 'AWSCURRENT');
      const pending = await perimeter.stores.secrets.getSecretValue(SECRET_NAME, 'AWSPENDING');

      // Assess: the interrupted rotation was finished, not replaced, and the app accepts the result
      expect(run).toMatchObject({ resumed: true, versionId: token });
      expect(current?.versionId).toBe(token);
      expect(pending).toBeUndefined();
      expect(provisioned(`after-crash-${done}`)).toBe(true);
      // No refresh token was spent twice (that would revoke the whole token family).
      expect(oauth.familyRevocations).toBe(revocationsBefore);
    } finally {
      await perimeter.stop();
    }
  });

  it('refuses to rotate a static bearer token, and says so', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-rotation-'));
    dirs.push(dataDir);
    await (await LocalSecretStore.open({ dataDir })).putSecretValue(SECRET_NAME, 'a-static-api-key-without-management-api');
    // The app refuses this key, so its accounts cannot be listed (it stays importing) nor imported.
    const perimeter = await startTestPerimeter({ dataDir, config });
    try {
      // Act
      const reply = await perimeter.admin('/connectors/app/rotate', { method: 'POST' });
      const status = (await perimeter.admin('/connectors')).body.connectors[0].credential;

      // Assess
      expect(reply.status).toBe(409);
      expect(reply.body.error.message).toContain('cannot be rotated by API');
      expect(status).toMatchObject({ type: 'bearer', rotatable: false, ageDays: 0 });
      expect(JSON.stringify(status)).not.toContain('a-static-api-key');
      const connector = (await perimeter.admin('/connectors')).body.connectors[0];
      expect(connector.mode).toMatchObject({ state: 'importing', reason: 'listing-failed' });
      const imported = await perimeter.admin('/connectors/app/import', { method: 'POST' });
      expect([imported.status, imported.body.error.message]).toEqual([502, 'Connector "app" could not list its accounts: auth']);
    } finally {
      await perimeter.stop();
    }
  });
});
