import { slackConnector } from '../../connectors/slack/index.js';
import { FakeSlackApi } from '../fakes/slack/FakeSlackApi.js';
import { describeConnectorConformance } from './describeConnectorConformance.js';

describeConnectorConformance({
  name: 'slack',
  capabilities: ['accounts', 'entitlements', 'sessions', 'listing'],
  async setup() {
    const token = 'xoxp-slack-conformance';
    const pageSize = 3;
    const fake = new FakeSlackApi({ pageSize });
    fake.validTokens.add(token);
    await fake.start();
    const engineering = fake.addGroup('Engineering');
    const platform = fake.addGroup('Platform');
    const settings = slackConnector.settingsSchema.parse({ scimBaseUrl: fake.scimBaseUrl, webApiBaseUrl: fake.webApiBaseUrl });
    const connector = slackConnector.create('slack-conformance', settings, { accessToken: async () => token, timeoutMs: 500 });
    return {
      connector,
      fake,
      token,
      entitlements: [`group:${engineering}`, `group:${platform}`],
      pageSize,
      teardown: () => fake.stop(),
    };
  },
});
