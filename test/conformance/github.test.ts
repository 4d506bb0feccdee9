import { githubConnector } from '../../connectors/github/index.js';
import { FakeGitHubApi } from '../fakes/github/FakeGitHubApi.js';
import { describeConnectorConformance } from './describeConnectorConformance.js';

const PAGE_SIZE = 2;

describeConnectorConformance({
  name: 'github',
  capabilities: ['accounts', 'entitlements', 'listing'],
  // An org membership holds a login and a role (an entitlement here): a profile change writes nothing.
  storesProfile: false,
  // GitHub compares logins case-insensitively, as the connector does, and a login is ASCII: a
  // look-alike has no login at all, and is refused before any call.
  lookAlikeFailure: 'rejected',
  async setup() {
    const token = `ghs_${Math.random().toString(36).slice(2)}`;
    const fake = await new FakeGitHubApi({ org: 'acme', teams: ['platform', 'security'], perPageLimit: PAGE_SIZE }).start();
    fake.validTokens.add(token);
    const settings = githubConnector.settingsSchema.parse({ org: 'acme', apiBaseUrl: fake.url, loginDomainSuffix: '@example.com' });
    const connector = githubConnector.create('github-conformance', settings, { accessToken: async () => token, timeoutMs: 500 });
    return {
      connector,
      fake,
      token,
      entitlements: ['team:platform', 'team:security'],
      pageSize: PAGE_SIZE,
      teardown: () => fake.stop(),
    };
  },
});
