import { googleWorkspaceConnector } from '../../connectors/google-workspace/index.js';
import { FakeGoogleDirectoryApi } from '../fakes/google/FakeGoogleDirectoryApi.js';
import { describeConnectorConformance } from './describeConnectorConformance.js';

describeConnectorConformance({
  name: 'google-workspace',
  capabilities: ['accounts', 'entitlements', 'sessions', 'ownership', 'listing'],
  async setup() {
    const token = 'ya29.conformance-google-token';
    const fake = await new FakeGoogleDirectoryApi(2).start();
    fake.validTokens.add(token);
    fake.addGroup('engineering@example.com');
    fake.addGroup('all-staff@example.com');
    const settings = googleWorkspaceConnector.settingsSchema.parse({
      directoryBaseUrl: fake.directoryBaseUrl,
      dataTransferBaseUrl: fake.dataTransferBaseUrl,
    });
    const connector = googleWorkspaceConnector.create('google-test', settings, { accessToken: async () => token, timeoutMs: 500 });
    return {
      connector,
      fake,
      token,
      entitlements: ['group:engineering@example.com', 'group:all-staff@example.com'],
      pageSize: fake.pageSize,
      teardown: () => fake.stop(),
    };
  },
});
