import { DescribeSecretCommand, GetSecretValueCommand, InvalidRequestException, PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerRotationEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRotateSecretHandler, secretNameOf } from '../../functions/rotate-secret/createRotateSecretHandler.js';
import { requestRotation } from '../../lib/adapters/secrets-manager/requestRotation.js';
import { SecretsManagerSecretStore } from '../../lib/adapters/secrets-manager/SecretsManagerSecretStore.js';
import { CredentialRotation } from '../../lib/credentials/CredentialRotation.js';
import { credentialRotators } from '../../connectors/credentialRotators.js';
import { parseCredential } from '../../lib/credentials/parseCredential.js';
import { Ledger } from '../../lib/ledger/Ledger.js';
import { silentLogger } from '../../lib/observability/createJsonLogger.js';
import { FakeOAuthServer } from '../fakes/oauth/FakeOAuthServer.js';
import { InMemoryLedgerStore } from '../fakes/InMemoryLedgerStore.js';
import { FakeSecretsManager } from './FakeSecretsManager.js';

const secretsManager = mockClient(SecretsManagerClient);
const SECRET = 'perimeter/app-oauth';
const TOKEN = 'c0ffee00-0000-4000-8000-000000000001';

/** The AWS path of rotation: the rotation Lambda's four steps, as SDK commands, against a Secrets Manager fake. */
describe('rotate-secret Lambda (Secrets Manager rotation protocol, SDK contract)', () => {
  const oauth = new FakeOAuthServer();
  let fake: FakeSecretsManager;
  let ledgerStore: InMemoryLedgerStore;
  let handler: ReturnType<typeof createRotateSecretHandler>;

  beforeAll(async () => {
    await oauth.start();
    oauth.registerClient('client', 'client-secret-value');
  });
  afterAll(async () => {
    await oauth.stop();
  });
  beforeEach(async () => {
    secretsManager.reset();
    fake = new FakeSecretsManager();
    fake.wire(secretsManager);
    ledgerStore = new InMemoryLedgerStore();
    const secrets = new SecretsManagerSecretStore({ client: new SecretsManagerClient({}) });
    await secrets.putSecretValue(
      SECRET,
      JSON.stringify({ type: 'oauth2-refresh', tokenUrl: oauth.tokenUrl, clientId: 'client', clientSecret: 'client-secret-value', refreshToken: oauth.issueRefreshToken('client') }),
    );
    secretsManager.resetHistory();
    const rotation = new CredentialRotation({
      secrets,
      ledger: new Ledger(ledgerStore),
      ledgerStore,
      rotatorFor: (credential) => credentialRotators[credential.type],
      parse: parseCredential,
    });
    handler = createRotateSecretHandler(rotation, silentLogger);
  });

  const event = (Step: SecretsManagerRotationEvent['Step']): SecretsManagerRotationEvent => ({ Step, SecretId: SECRET, ClientRequestToken: TOKEN });

  it('creates AWSPENDING with the ClientRequestToken, tests it, and moves AWSCURRENT to it', async () => {
    // Act
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) await handler(event(step));

    // Assess
    const puts = secretsManager.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([expect.objectContaining({ SecretId: SECRET, ClientRequestToken: TOKEN, VersionStages: ['AWSPENDING'] })]);
    const stages = secretsManager.commandCalls(UpdateSecretVersionStageCommand).map((c) => c.args[0].input);
    expect(stages[0]).toMatchObject({ SecretId: SECRET, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN, RemoveFromVersionId: expect.any(String) });
    const current = fake.getSecretValue({ SecretId: SECRET, VersionStage: 'AWSCURRENT' });
    expect(current.VersionId).toBe(TOKEN);
    expect(JSON.parse(current.SecretString ?? '{}')).toMatchObject({ type: 'oauth2-refresh', accessToken: expect.any(String) });
    expect((await ledgerStore.chain(`credential#${SECRET}`)).map((e) => `${e.type}:${e.outcome}`)).toEqual([
      'rotation.createSecret:applied',
      'rotation.setSecret:skipped',
      'rotation.testSecret:applied',
      'rotation.finishSecret:applied',
    ]);
  });

  it('is idempotent: Secrets Manager retrying every step changes nothing more', async () => {
    // Act
    for (const step of ['createSecret', 'createSecret', 'setSecret', 'testSecret', 'testSecret', 'finishSecret', 'finishSecret'] as const) await handler(event(step));

    // Assess
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(fake.getSecretValue({ SecretId: SECRET, VersionStage: 'AWSCURRENT' }).VersionId).toBe(TOKEN);
  });

  it('fails a step loudly and leaves AWSCURRENT working when the provider refuses', async () => {
    // Prepare: the refresh token was revoked at the provider.
    const before = fake.getSecretValue({ SecretId: SECRET, VersionStage: 'AWSCURRENT' });
    const credential = JSON.parse(before.SecretString ?? '{}') as { refreshToken: string };
    await fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('client:client-secret-value').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.refreshToken }).toString(),
    });

    // Act
    const failure = await handler(event('createSecret')).catch((error: Error) => error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).not.toContain(credential.refreshToken);
    expect(fake.getSecretValue({ SecretId: SECRET, VersionStage: 'AWSCURRENT' }).VersionId).toBe(before.VersionId);
    expect((await ledgerStore.chain(`credential#${SECRET}`)).at(-1)).toMatchObject({ type: 'rotation.createSecret', outcome: 'failed' });
  });

  it('"rotate now" asks Secrets Manager to rotate and waits for AWSCURRENT to move', async () => {
    // Prepare: RotateSecret says a rotation is already running; the version moves soon after.
    secretsManager.on(DescribeSecretCommand).resolves({ Name: SECRET, RotationEnabled: true });
    secretsManager.on(RotateSecretCommand).rejects(new InvalidRequestException({ message: 'A previous rotation isn’t complete.', $metadata: {} }));
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ VersionId: 'v1' })
      .resolvesOnce({ VersionId: 'v1' })
      .resolves({ VersionId: 'v2' });

    // Act
    await requestRotation(SECRET, { client: new SecretsManagerClient({}), pollMs: 1, waitMs: 1000 });

    // Assess
    expect(secretsManager.commandCalls(RotateSecretCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET, RotateImmediately: true });
    expect(secretsManager.commandCalls(GetSecretValueCommand).length).toBeGreaterThanOrEqual(3);
  });

  it('"rotate now" refuses a secret without rotation configured, instead of waiting in vain', async () => {
    secretsManager.on(DescribeSecretCommand).resolves({ Name: SECRET, RotationEnabled: false });
    await expect(requestRotation(SECRET, { client: new SecretsManagerClient({}), pollMs: 1, waitMs: 100 })).rejects.toThrow(/Rotation is not enabled/);
    expect(secretsManager.commandCalls(RotateSecretCommand)).toHaveLength(0);
  });

  it('records the steps under the secret name when Secrets Manager passes an ARN', async () => {
    const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SECRET}-AbC123`;
    expect(secretNameOf(arn)).toBe(SECRET);
    expect(secretNameOf(SECRET)).toBe(SECRET);
  });
});
