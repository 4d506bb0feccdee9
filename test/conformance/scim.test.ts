import { scimConnector } from '../../connectors/scim/index.js';
import { FakeScimApi } from '../fakes/scim/FakeScimApi.js';
import { describeConnectorConformance } from './describeConnectorConformance.js';

describeConnectorConformance({
  name: 'scim',
  capabilities: ['accounts', 'entitlements', 'listing'],
  // The folding fake takes "ｋ" (FULLWIDTH LATIN SMALL LETTER K) and a trailing space for "k" and nothing.
  lookAlike: (person) => ({ ...person, id: `${person.id}-lookalike`, userName: `\uFF4B${person.userName.slice(1)} ` }),
  async setup() {
    const token = 'scim-conformance-token';
    const pageSize = 2;
    const fake = new FakeScimApi({ pageSize, folding: true });
    fake.validTokens.add(token);
    await fake.start();
    const engineering = fake.addGroup('Engineering');
    const platform = fake.addGroup('Platform');
    const connector = scimConnector.create('scim-conformance', scimConnector.settingsSchema.parse({ baseUrl: fake.scimBaseUrl }), {
      accessToken: async () => token,
      timeoutMs: 500,
    });
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
