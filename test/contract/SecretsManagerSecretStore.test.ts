import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  SecretsManagerSecretStore,
  type SecretsManagerSecretStoreOptions,
} from '../../lib/adapters/secrets-manager/SecretsManagerSecretStore.js';
import { SecretStoreError } from '../../lib/secrets/SecretStoreError.js';
import { FakeSecretsManager } from './FakeSecretsManager.js';
import { secretStoreContract } from './secretStoreContract.js';

const secretsManager = mockClient(SecretsManagerClient);
let fake: FakeSecretsManager;

/** A store whose client talks to a fresh fake Secrets Manager; the mock records every command. */
function openStore(options: Omit<SecretsManagerSecretStoreOptions, 'client'> = {}): SecretsManagerSecretStore {
  secretsManager.reset();
  fake = new FakeSecretsManager(2);
  fake.wire(secretsManager);
  return new SecretsManagerSecretStore({ client: new SecretsManagerClient({ region: 'eu-west-1' }), ...options });
}

/** The commands sent so far, in order, by name with their exact input. */
function sent(): { command: string; input: unknown }[] {
  return secretsManager.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: unknown };
    return { command: command.constructor.name, input: command.input };
  });
}

async function rejection(promise: Promise<unknown>): Promise<SecretStoreError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SecretStoreError);
  return outcome as SecretStoreError;
}

function serviceError(name: string): Error {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode: 400 } });
}

const NAME = 'perimeter/connectors/okta';
const VALUE = 'okta-api-token-VALUE-MARKER';
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

secretStoreContract('SecretsManagerSecretStore', async () => openStore());

describe('SecretsManagerSecretStore', () => {
  it('creates a missing secret and its first value in one CreateSecret carrying the version id', async () => {
    // Prepare
    const store = openStore();

    // Act
    const version = await store.putSecretValue(NAME, VALUE, { clientRequestToken: TOKEN_A });

    // Assess
    expect(version).toMatchObject({ versionId: TOKEN_A, value: VALUE, stages: ['AWSCURRENT'] });
    expect(sent()).toStrictEqual([
      { command: 'PutSecretValueCommand', input: { SecretId: NAME, SecretString: VALUE, ClientRequestToken: TOKEN_A, VersionStages: ['AWSCURRENT'] } },
      { command: 'CreateSecretCommand', input: { Name: NAME, SecretString: VALUE, ClientRequestToken: TOKEN_A } },
    ]);
  });

  it('creates a missing secret empty, then stages AWSPENDING with PutSecretValue, so it never becomes current', async () => {
    // Prepare
    const store = openStore({ kmsKeyId: 'alias/perimeter' });

    // Act
    await store.putSecretValue(NAME, VALUE, { clientRequestToken: TOKEN_A, stages: ['AWSPENDING'] });

    // Assess
    const put = { command: 'PutSecretValueCommand', input: { SecretId: NAME, SecretString: VALUE, ClientRequestToken: TOKEN_A, VersionStages: ['AWSPENDING'] } };
    expect(sent()).toStrictEqual([put, { command: 'CreateSecretCommand', input: { Name: NAME, KmsKeyId: 'alias/perimeter' } }, put]);
  });

  it('generates one version id per put and sends the same one on every call of that put', async () => {
    // Prepare
    const store = openStore();

    // Act
    const version = await store.putSecretValue(NAME, VALUE);

    // Assess
    const tokens = sent().map((call) => (call.input as { ClientRequestToken?: string }).ClientRequestToken);
    expect(tokens).toEqual([version.versionId, version.versionId]);
    expect(version.versionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts again when another writer created the secret between its PutSecretValue and CreateSecret', async () => {
    // Prepare
    const store = openStore();
    secretsManager.on(CreateSecretCommand).callsFake((input: { Name: string }) => {
      fake.createSecret({ Name: input.Name });
      throw new ResourceExistsException({ $metadata: {}, message: 'The secret already exists.' });
    });

    // Act
    const version = await store.putSecretValue(NAME, VALUE, { clientRequestToken: TOKEN_A });

    // Assess
    expect(version).toMatchObject({ versionId: TOKEN_A, stages: ['AWSCURRENT'] });
    expect(sent().map((call) => call.command)).toEqual(['PutSecretValueCommand', 'CreateSecretCommand', 'PutSecretValueCommand']);
    expect((await store.getSecretValue(NAME))?.value).toBe(VALUE);
  });

  it('reads with VersionStage, AWSCURRENT unless told otherwise', async () => {
    // Prepare
    const store = openStore();

    // Act
    await store.getSecretValue(NAME);
    await store.getSecretValue(NAME, 'AWSPENDING');

    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toStrictEqual([
      { SecretId: NAME, VersionStage: 'AWSCURRENT' },
      { SecretId: NAME, VersionStage: 'AWSPENDING' },
    ]);
  });

  it('sends MoveToVersionId and RemoveFromVersionId exactly as given, and nothing it was not given', async () => {
    // Prepare
    const store = openStore();
    await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
    await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });

    // Act
    await store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_A });
    await store.updateVersionStage(NAME, 'AWSPENDING', { removeFromVersionId: TOKEN_B });

    // Assess
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand).map((call) => call.args[0].input)).toStrictEqual([
      { SecretId: NAME, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN_B, RemoveFromVersionId: TOKEN_A },
      { SecretId: NAME, VersionStage: 'AWSPENDING', RemoveFromVersionId: TOKEN_B },
    ]);
  });

  it('sends nothing for a request it can tell is malformed', async () => {
    // Prepare
    const store = openStore();

    // Act
    await rejection(store.putSecretValue(NAME, VALUE, { clientRequestToken: 'too-short' }));
    await rejection(store.updateVersionStage(NAME, 'AWSCURRENT', { removeFromVersionId: TOKEN_A }));

    // Assess
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it('pages through ListSecrets and keeps only names that start with the prefix', async () => {
    // Prepare
    const store = openStore();
    for (const name of ['perimeter/a', 'team/perimeter/b', 'perimeter/c', 'other/d', 'perimeter/e']) fake.createSecret({ Name: name });

    // Act
    const names = (await store.listSecrets()).map((secret) => secret.name);

    // Assess
    expect(names).toEqual(['perimeter/a', 'perimeter/c', 'perimeter/e']);
    const requests = secretsManager.commandCalls(ListSecretsCommand).map((call) => call.args[0].input);
    const filters = [{ Key: 'name', Values: ['perimeter/'] }];
    // The fake pages two at a time: four secrets pass its word-boundary filter, so two pages.
    expect(requests).toStrictEqual([
      { MaxResults: 100, Filters: filters },
      { MaxResults: 100, Filters: filters, NextToken: '2' },
    ]);
  });

  it('lists under a configured prefix', async () => {
    // Prepare
    const store = openStore({ namePrefix: 'acme/perimeter/' });
    for (const name of ['acme/perimeter/a', 'perimeter/b']) fake.createSecret({ Name: name });

    // Act
    const names = (await store.listSecrets()).map((secret) => secret.name);

    // Assess
    expect(names).toEqual(['acme/perimeter/a']);
  });

  it('maps DescribeSecret dates, keeps LastRotatedDate, and drops labels that are not rotation stages', async () => {
    // Prepare
    const store = openStore();
    secretsManager.on(DescribeSecretCommand).resolves({
      Name: NAME,
      Description: 'Okta API token',
      CreatedDate: new Date('2025-01-01T00:00:00Z'),
      LastChangedDate: new Date('2025-02-01T00:00:00Z'),
      LastRotatedDate: new Date('2025-02-01T00:00:00Z'),
      VersionIdsToStages: { [TOKEN_A]: ['AWSPREVIOUS', 'release-7'], [TOKEN_B]: ['AWSCURRENT'], 'cccccccc-cccc-4ccc-8ccc-cccccccccccc': ['custom'] },
    });

    // Act
    const description = await store.describeSecret(NAME);

    // Assess
    expect(description).toStrictEqual({
      name: NAME,
      description: 'Okta API token',
      createdAt: '2025-01-01T00:00:00.000Z',
      lastChangedAt: '2025-02-01T00:00:00.000Z',
      lastRotatedAt: '2025-02-01T00:00:00.000Z',
      versions: { [TOKEN_A]: ['AWSPREVIOUS'], [TOKEN_B]: ['AWSCURRENT'] },
    });
  });

  it.each([
    ['ThrottlingException', 'unavailable'],
    ['InternalServiceError', 'unavailable'],
    ['DecryptionFailure', 'unavailable'],
    ['AccessDeniedException', 'unavailable'],
    ['InvalidRequestException', 'conflict'],
    ['InvalidParameterException', 'invalid'],
  ] as const)('wraps %s from PutSecretValue as %s, with the SDK error as cause and no value in the message', async (exception, code) => {
    // Prepare
    const store = openStore();
    const cause = serviceError(exception);
    secretsManager.on(PutSecretValueCommand).rejects(cause);

    // Act
    const error = await rejection(store.putSecretValue(NAME, VALUE));

    // Assess
    expect(error.code).toBe(code);
    expect(error.name).toBe('SecretStoreError');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain(NAME);
    expect(error.message).toContain(exception);
    expect(error.message).not.toContain(VALUE);
  });

  it('reports a stage update refused as an invalid parameter as a conflict: the caller saw a stale state', async () => {
    // Prepare
    const store = openStore();
    secretsManager.on(UpdateSecretVersionStageCommand).rejects(new InvalidParameterException({ $metadata: {}, message: 'RemoveFromVersionId does not match' }));

    // Act
    const error = await rejection(store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_A }));

    // Assess
    expect(error.code).toBe('conflict');
  });

  it('wraps a network failure on read as unavailable, not as a missing secret', async () => {
    // Prepare
    const store = openStore();
    secretsManager.on(GetSecretValueCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    secretsManager.on(DescribeSecretCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));

    // Act
    const read = await rejection(store.getSecretValue(NAME));
    const describeFailure = await rejection(store.describeSecret(NAME));

    // Assess
    expect(read.code).toBe('unavailable');
    expect(describeFailure.code).toBe('unavailable');
  });

  it('refuses a binary secret without returning or quoting it', async () => {
    // Prepare
    const store = openStore();
    secretsManager.on(GetSecretValueCommand).resolves({ Name: NAME, VersionId: TOKEN_A, SecretBinary: Buffer.from(VALUE) });

    // Act
    const error = await rejection(store.getSecretValue(NAME));

    // Assess
    expect(error.code).toBe('invalid');
    expect(error.message).not.toContain(VALUE);
  });
});
