import { microsoftEntraConnector } from '../../connectors/microsoft-entra/index.js';
import { FakeGraphApi } from '../fakes/entra/FakeGraphApi.js';
import { describeConnectorConformance } from './describeConnectorConformance.js';

describeConnectorConformance({
  name: 'microsoft-entra',
  capabilities: ['accounts', 'entitlements', 'sessions', 'listing'],
  async setup() {
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.conformance-graph-token';
    const fake = await new FakeGraphApi(3).start();
    fake.validTokens.add(token);
    const engineering = fake.addGroup('Engineering');
    const allStaff = fake.addGroup('All Staff');
    const settings = microsoftEntraConnector.settingsSchema.parse({ graphBaseUrl: fake.graphBaseUrl });
    const connector = microsoftEntraConnector.create('entra-test', settings, { accessToken: async () => token, timeoutMs: 500 });
    return {
      connector,
      fake,
      token,
      entitlements: [`group:${engineering}`, `group:${allStaff}`],
      pageSize: fake.pageSize,
      teardown: () => fake.stop(),
    };
  },
});
