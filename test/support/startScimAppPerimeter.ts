import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import type { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { startTestPerimeter, type TestPerimeter } from './startTestPerimeter.js';

/** What a test varies about its one SCIM app: the connector's settings and what leaving means. */
export interface ScimAppPerimeterOptions {
  readonly settings?: Record<string, unknown>;
  readonly leaver?: Record<string, unknown>;
}

/** Perimeter and the fake SCIM app it provisions, started together and stopped together. */
export interface ScimAppPerimeter {
  readonly perimeter: TestPerimeter;
  stop(): Promise<void>;
}

/**
 * Starts `app` (accepting `token`) and a Perimeter whose one connector, "wiki", is a SCIM
 * connector against it, granted to everyone by one rule: the real planner, queue, executor and
 * SCIM connector over HTTP.
 */
export async function startScimAppPerimeter(app: FakeScimApi, token: string, options: ScimAppPerimeterOptions = {}): Promise<ScimAppPerimeter> {
  app.validTokens.add(token);
  await app.start();
  const config = parsePerimeterConfig(
    {
      connectors: [{ id: 'wiki', type: 'scim', settings: { baseUrl: app.scimBaseUrl, ...options.settings }, credential: { secret: 'saas' }, maxAttempts: 2 }],
      policy: { rules: [{ id: 'everyone-wiki', when: {}, grant: [{ app: 'wiki' }] }] },
      ...(options.leaver ? { leaver: options.leaver } : {}),
    },
    'test',
  );
  const perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ saas: token }) });
  return {
    perimeter,
    stop: async () => {
      await perimeter.stop();
      await app.stop();
    },
  };
}
