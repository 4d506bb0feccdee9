import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';
import type { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { TEST_ADMIN_TOKEN, TEST_SCIM_TOKEN } from './startTestPerimeter.js';
import { testDynamoEnv } from './testDynamo.js';

/** The bearer token the fake apps accept, stored as the connectors' credential. */
const SAAS_TOKEN = 'fanout-test-saas-token';

export interface ScimAppsDataDir {
  readonly dataDir: string;
  /** What `npm start` needs to run on it (data directory, config, tokens). */
  readonly env: Record<string, string>;
}

/**
 * Starts the fake SCIM apps and prepares a data directory for a Perimeter child process that
 * grants everyone an account in each (`app-<i>`), disables leavers, and does not reconcile: the
 * set-up of the tests that kill a fan-out in the middle.
 */
export async function prepareScimAppsDataDir(fakes: readonly FakeScimApi[], options: { readonly prefix: string; readonly latencyMs: number }): Promise<ScimAppsDataDir> {
  for (const fake of fakes) {
    fake.validTokens.add(SAAS_TOKEN);
    await fake.start();
    fake.latencyMs = options.latencyMs;
  }
  const dataDir = await mkdtemp(join(tmpdir(), options.prefix));
  const configPath = join(dataDir, 'perimeter.json');
  await writeFile(
    configPath,
    JSON.stringify({
      connectors: fakes.map((fake, i) => ({ id: `app-${i}`, type: 'scim', settings: { baseUrl: fake.scimBaseUrl }, credential: { secret: 'saas' }, concurrency: 8 })),
      policy: { rules: [{ id: 'everyone', when: {}, grant: fakes.map((_, i) => ({ app: `app-${i}` })) }] },
      leaver: { default: { actions: ['disable'] } },
      reconciliation: { intervalMinutes: 0 },
    }),
  );
  await (await LocalSecretStore.open({ dataDir })).putSecretValue('saas', SAAS_TOKEN);
  return { dataDir, env: { ...testDynamoEnv(dataDir), PERIMETER_DATA_DIR: dataDir, PERIMETER_CONFIG: configPath, PERIMETER_SCIM_TOKEN: TEST_SCIM_TOKEN, PERIMETER_ADMIN_TOKEN: TEST_ADMIN_TOKEN } };
}
