import { beforeEach, describe, expect, it } from 'vitest';
import type { SecretStore, VersionStage } from '../../lib/ports/SecretStore.js';
import { SecretStoreError } from '../../lib/secrets/SecretStoreError.js';

// Version ids are Secrets Manager ClientRequestTokens: 32 to 64 characters.
const TOKEN_A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const TOKEN_C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

const NAME = 'perimeter/connectors/okta';

/** The error a promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<SecretStoreError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SecretStoreError);
  return outcome as SecretStoreError;
}

function sortedStages(stages: readonly VersionStage[] | undefined): VersionStage[] {
  return [...(stages ?? [])].sort();
}

/**
 * The behaviour every SecretStore adapter shares: Secrets Manager's version-stage model, which the
 * rotation code relies on. Each adapter's test file calls this with a factory returning a fresh,
 * empty store per test.
 */
export function secretStoreContract(adapter: string, openStore: () => Promise<SecretStore>): void {
  describe(`SecretStore contract: ${adapter}`, () => {
    let store: SecretStore;

    beforeEach(async () => {
      store = await openStore();
    });

    it('answers undefined for a secret that does not exist, at every stage', async () => {
      // Act
      const current = await store.getSecretValue(NAME);
      const pending = await store.getSecretValue(NAME, 'AWSPENDING');
      const description = await store.describeSecret(NAME);

      // Assess
      expect(current).toBeUndefined();
      expect(pending).toBeUndefined();
      expect(description).toBeUndefined();
      expect(await store.listSecrets()).toEqual([]);
    });

    it('answers undefined for a stage no version holds', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1');

      // Act
      const pending = await store.getSecretValue(NAME, 'AWSPENDING');
      const previous = await store.getSecretValue(NAME, 'AWSPREVIOUS');

      // Assess
      expect(pending).toBeUndefined();
      expect(previous).toBeUndefined();
    });

    it('creates the secret on the first put, with the value as AWSCURRENT', async () => {
      // Act
      const put = await store.putSecretValue(NAME, 'okta-api-token-1');
      const read = await store.getSecretValue(NAME);
      const explicit = await store.getSecretValue(NAME, 'AWSCURRENT');

      // Assess
      expect(put.value).toBe('okta-api-token-1');
      expect(put.stages).toEqual(['AWSCURRENT']);
      expect(put.versionId).toMatch(/^[\x21-\x7e]{32,64}$/);
      expect(read).toMatchObject({ versionId: put.versionId, value: 'okta-api-token-1', stages: ['AWSCURRENT'] });
      expect(Number.isNaN(Date.parse(read?.createdAt ?? ''))).toBe(false);
      expect(explicit?.versionId).toBe(put.versionId);
    });

    it('makes a new put AWSCURRENT and the value it replaced AWSPREVIOUS', async () => {
      // Prepare
      const first = await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });

      // Act
      const second = await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B });

      // Assess
      expect(first.versionId).toBe(TOKEN_A);
      expect(second.versionId).toBe(TOKEN_B);
      expect((await store.getSecretValue(NAME))?.value).toBe('okta-api-token-2');
      expect(await store.getSecretValue(NAME, 'AWSPREVIOUS')).toMatchObject({ versionId: TOKEN_A, value: 'okta-api-token-1', stages: ['AWSPREVIOUS'] });
    });

    it('treats a put retried with the same token and value as a no-op', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
      await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B });

      // Act
      const retried = await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B });
      const retriedOlder = await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });

      // Assess
      expect(retried).toMatchObject({ versionId: TOKEN_B, value: 'okta-api-token-2', stages: ['AWSCURRENT'] });
      // A late retry of the first put must not drag AWSCURRENT back to the old value.
      expect(retriedOlder).toMatchObject({ versionId: TOKEN_A, stages: ['AWSPREVIOUS'] });
      expect((await store.getSecretValue(NAME))?.versionId).toBe(TOKEN_B);
      const description = await store.describeSecret(NAME);
      expect(description?.versions).toEqual({ [TOKEN_A]: ['AWSPREVIOUS'], [TOKEN_B]: ['AWSCURRENT'] });
    });

    it('refuses a token reused with another value, without quoting either value', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });

      // Act
      const error = await rejection(store.putSecretValue(NAME, 'okta-api-token-OTHER', { clientRequestToken: TOKEN_A }));

      // Assess
      expect(error.code).toBe('conflict');
      expect(error.name).toBe('SecretStoreError');
      expect(error.message).not.toContain('okta-api-token');
      expect(await store.getSecretValue(NAME)).toMatchObject({ versionId: TOKEN_A, value: 'okta-api-token-1' });
    });

    it('keeps a staged AWSPENDING version out of AWSCURRENT until it is promoted (a rotation)', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });

      // Act: createSecret, then finishSecret, then clear AWSPENDING, as a rotation does.
      const staged = await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });
      const currentWhileStaged = await store.getSecretValue(NAME);
      const pending = await store.getSecretValue(NAME, 'AWSPENDING');
      await store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_A });
      const afterPromotion = await store.describeSecret(NAME);
      await store.updateVersionStage(NAME, 'AWSPENDING', { removeFromVersionId: TOKEN_B });

      // Assess
      expect(staged.stages).toEqual(['AWSPENDING']);
      expect(currentWhileStaged).toMatchObject({ versionId: TOKEN_A, value: 'okta-api-token-1' });
      expect(pending).toMatchObject({ versionId: TOKEN_B, value: 'okta-api-token-2', stages: ['AWSPENDING'] });
      expect(sortedStages(afterPromotion?.versions[TOKEN_B])).toEqual(['AWSCURRENT', 'AWSPENDING']);
      expect(afterPromotion?.versions[TOKEN_A]).toEqual(['AWSPREVIOUS']);
      expect(await store.getSecretValue(NAME)).toMatchObject({ versionId: TOKEN_B, value: 'okta-api-token-2', stages: ['AWSCURRENT'] });
      expect(await store.getSecretValue(NAME, 'AWSPREVIOUS')).toMatchObject({ versionId: TOKEN_A, value: 'okta-api-token-1' });
      expect(await store.getSecretValue(NAME, 'AWSPENDING')).toBeUndefined();
    });

    it('treats a promotion retried after it succeeded as a no-op', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
      await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });
      await store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_A });

      // Act
      await store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B });

      // Assess
      expect((await store.getSecretValue(NAME))?.versionId).toBe(TOKEN_B);
      expect((await store.getSecretValue(NAME, 'AWSPREVIOUS'))?.versionId).toBe(TOKEN_A);
    });

    it('keeps AWSPENDING on one version at most', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
      await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });

      // Act: a rotation that failed and started over stages a fresh value.
      await store.putSecretValue(NAME, 'okta-api-token-3', { clientRequestToken: TOKEN_C, stages: ['AWSPENDING'] });

      // Assess
      const description = await store.describeSecret(NAME);
      const holders = Object.entries(description?.versions ?? {}).filter(([, stages]) => stages.includes('AWSPENDING'));
      expect(holders.map(([versionId]) => versionId)).toEqual([TOKEN_C]);
      expect(await store.getSecretValue(NAME, 'AWSPENDING')).toMatchObject({ versionId: TOKEN_C, value: 'okta-api-token-3' });
      expect((await store.getSecretValue(NAME))?.versionId).toBe(TOKEN_A);
    });

    it('can stage AWSPENDING on a secret that has no value yet, without making it current', async () => {
      // Act
      const staged = await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A, stages: ['AWSPENDING'] });

      // Assess
      expect(staged.stages).toEqual(['AWSPENDING']);
      expect(await store.getSecretValue(NAME)).toBeUndefined();
      expect(await store.getSecretValue(NAME, 'AWSPENDING')).toMatchObject({ versionId: TOKEN_A, value: 'okta-api-token-1' });
      expect((await store.describeSecret(NAME))?.versions).toEqual({ [TOKEN_A]: ['AWSPENDING'] });
    });

    it('refuses to move a stage from a version it is not on (a stale view) as a conflict', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
      await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] });

      // Act
      const unnamed = await rejection(store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B }));
      const wrong = await rejection(store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_B, removeFromVersionId: TOKEN_B }));
      const removeWrong = await rejection(store.updateVersionStage(NAME, 'AWSPENDING', { removeFromVersionId: TOKEN_A }));

      // Assess
      expect([unnamed.code, wrong.code, removeWrong.code]).toEqual(['conflict', 'conflict', 'conflict']);
      expect((await store.getSecretValue(NAME))?.versionId).toBe(TOKEN_A);
      expect((await store.getSecretValue(NAME, 'AWSPENDING'))?.versionId).toBe(TOKEN_B);
    });

    it('reports a stage moved on a missing secret, or to a missing version, as notFound', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });

      // Act
      const missingSecret = await rejection(store.updateVersionStage('perimeter/nothing-here', 'AWSPENDING', { moveToVersionId: TOKEN_A }));
      const missingVersion = await rejection(store.updateVersionStage(NAME, 'AWSCURRENT', { moveToVersionId: TOKEN_C, removeFromVersionId: TOKEN_A }));

      // Assess
      expect(missingSecret.code).toBe('notFound');
      expect(missingVersion.code).toBe('notFound');
      expect((await store.getSecretValue(NAME))?.versionId).toBe(TOKEN_A);
    });

    it.each([
      ['an empty value', () => store.putSecretValue(NAME, '')],
      ['a value over 64 KiB', () => store.putSecretValue(NAME, 'x'.repeat(65_537))],
      ['a token shorter than 32 characters', () => store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: 'short' })],
      ['no stages at all', () => store.putSecretValue(NAME, 'okta-api-token-1', { stages: [] })],
      ['an unknown stage', () => store.putSecretValue(NAME, 'okta-api-token-1', { stages: ['AWSNEXT' as VersionStage] })],
      ['a stage update that moves nothing', () => store.updateVersionStage(NAME, 'AWSPENDING', {})],
      ['removing AWSCURRENT without moving it', () => store.updateVersionStage(NAME, 'AWSCURRENT', { removeFromVersionId: TOKEN_A })],
    ])('rejects %s as invalid and stores nothing', async (_case, act) => {
      // Act
      const error = await rejection(act());

      // Assess
      expect(error.code).toBe('invalid');
      expect(error.message).not.toContain('okta-api-token');
      expect(await store.describeSecret(NAME)).toBeUndefined();
    });

    it('describes every staged version with its stages and dates, never a value', async () => {
      // Prepare
      await store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A });
      await store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B });
      await store.putSecretValue(NAME, 'okta-api-token-3', { clientRequestToken: TOKEN_C, stages: ['AWSPENDING'] });

      // Act
      const description = await store.describeSecret(NAME);

      // Assess
      expect(description?.name).toBe(NAME);
      expect(description?.versions).toEqual({ [TOKEN_A]: ['AWSPREVIOUS'], [TOKEN_B]: ['AWSCURRENT'], [TOKEN_C]: ['AWSPENDING'] });
      const created = Date.parse(description?.createdAt ?? '');
      const changed = Date.parse(description?.lastChangedAt ?? '');
      expect(Number.isNaN(created) || Number.isNaN(changed)).toBe(false);
      expect(changed).toBeGreaterThanOrEqual(created);
      expect(JSON.stringify(description)).not.toContain('okta-api-token');
    });

    it('lists every secret by name, described without values', async () => {
      // Prepare
      await store.putSecretValue('perimeter/webhooks/bamboohr', 'whsec-value-1');
      await store.putSecretValue('perimeter/connectors/slack', 'slack-value-1');
      await store.putSecretValue('perimeter/connectors/github', 'github-value-1', { stages: ['AWSPENDING'] });

      // Act
      const secrets = await store.listSecrets();

      // Assess
      expect(secrets.map((secret) => secret.name)).toEqual(['perimeter/connectors/github', 'perimeter/connectors/slack', 'perimeter/webhooks/bamboohr']);
      expect(Object.values(secrets[0]?.versions ?? {})).toEqual([['AWSPENDING']]);
      expect(Object.values(secrets[1]?.versions ?? {})).toEqual([['AWSCURRENT']]);
      expect(JSON.stringify(secrets)).not.toMatch(/value-1/);
    });

    it('keeps both of two concurrent writes to one new secret', async () => {
      // Act: without serialisation both writers see "no secret yet" and the later write drops the other.
      await Promise.all([
        store.putSecretValue(NAME, 'okta-api-token-1', { clientRequestToken: TOKEN_A }),
        store.putSecretValue(NAME, 'okta-api-token-2', { clientRequestToken: TOKEN_B, stages: ['AWSPENDING'] }),
        store.putSecretValue('perimeter/connectors/slack', 'slack-value-1', { clientRequestToken: TOKEN_C }),
      ]);

      // Assess
      expect((await store.describeSecret(NAME))?.versions).toEqual({ [TOKEN_A]: ['AWSCURRENT'], [TOKEN_B]: ['AWSPENDING'] });
      expect((await store.getSecretValue(NAME))?.value).toBe('okta-api-token-1');
      expect((await store.getSecretValue(NAME, 'AWSPENDING'))?.value).toBe('okta-api-token-2');
      expect((await store.getSecretValue('perimeter/connectors/slack'))?.value).toBe('slack-value-1');
    });
  });
}
