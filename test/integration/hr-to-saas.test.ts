import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { FakeGraphApi } from '../fakes/entra/FakeGraphApi.js';
import { FakeGitHubApi } from '../fakes/github/FakeGitHubApi.js';
import { FakeGoogleDirectoryApi } from '../fakes/google/FakeGoogleDirectoryApi.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { FakeSlackApi } from '../fakes/slack/FakeSlackApi.js';
import { approveImports } from '../support/approveImports.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';

const TOKEN = 'saas-api-token-for-tests';
const SECRET = `whsec_${Buffer.from('hr-to-saas-standard-webhook-key!').toString('base64')}`;

/**
 * The "done when", end to end over HTTP: HR webhooks in, the real connectors out, against
 * fakes of Slack, GitHub, Google Workspace and Microsoft Graph built from their documentation.
 */
describe('HR webhook to SaaS apps (real connectors, vendor fakes over HTTP)', () => {
  const slack = new FakeSlackApi();
  const github = new FakeGitHubApi({ org: 'acme', teams: ['research', 'sales'] });
  const google = new FakeGoogleDirectoryApi();
  const graph = new FakeGraphApi();
  let perimeter: TestPerimeter;
  let salesGroupId: string;

  beforeAll(async () => {
    for (const fake of [slack, github, google, graph]) {
      fake.validTokens.add(TOKEN);
      await fake.start();
    }
    google.addGroup('everyone@example.com');
    salesGroupId = graph.addGroup('Sales');
    const config = parsePerimeterConfig(
      {
        connectors: [
          { id: 'slack', type: 'slack', settings: { scimBaseUrl: slack.scimBaseUrl, webApiBaseUrl: slack.webApiBaseUrl }, credential: { secret: 'saas' } },
          { id: 'github', type: 'github', settings: { org: 'acme', apiBaseUrl: github.url, loginAttribute: 'userName', loginDomainSuffix: '@example.com' }, credential: { secret: 'saas' } },
          { id: 'google', type: 'google-workspace', settings: { directoryBaseUrl: google.directoryBaseUrl, dataTransferBaseUrl: google.dataTransferBaseUrl }, credential: { secret: 'saas' } },
          { id: 'entra', type: 'microsoft-entra', settings: { graphBaseUrl: graph.graphBaseUrl }, credential: { secret: 'saas' } },
        ],
        policy: {
          rules: [
            { id: 'everyone', when: {}, grant: [{ app: 'slack' }, { app: 'google', entitlements: ['group:everyone@example.com'] }, { app: 'entra' }] },
            { id: 'research-github', when: { department: 'Research' }, grant: [{ app: 'github', entitlements: ['team:research'] }] },
            { id: 'sales-github', when: { department: 'Sales' }, grant: [{ app: 'github', entitlements: ['team:sales'] }] },
            { id: 'sales-entra', when: { department: 'Sales' }, grant: [{ app: 'entra', entitlements: [`group:${salesGroupId}`] }] },
          ],
        },
        webhooks: { standard: { secret: 'hr' } },
        leaver: { default: { actions: ['revokeSessions', 'revokeEntitlements', 'disable'] } },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ saas: TOKEN, hr: SECRET }) });
    // A GitHub org always has its owner, a Google domain its admin: those apps start in import
    // mode, and the operator approves their imports before the first hire.
    expect(await approveImports(perimeter)).not.toEqual([]);
  });
  afterAll(async () => {
    await perimeter.stop();
    for (const fake of [slack, github, google, graph]) await fake.stop();
  });

  const webhook = async (id: string, type: string, data: Record<string, unknown>): Promise<void> => {
    const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', Buffer.from(SECRET.slice(6), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64');
    const response = await fetch(`${perimeter.url}/hooks/hr/standard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
      body,
    });
    expect(response.status).toBe(202);
    await perimeter.queue.drained();
  };
  const slackUser = (): Record<string, unknown> | undefined => slack.allUsers().find((u) => JSON.stringify(u).includes('ada@example.com'));

  it('hire creates the accounts policy names; a department change moves them; a termination disables all and revokes sessions', async () => {
    // Act 1: the hire
    await webhook('hire-1', 'employee.hired', {
      employeeId: 'E-42',
      attributes: { workEmail: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', department: 'Research', title: 'Analyst' },
    });

    // Assess 1
    expect(slackUser()?.active).toBe(true);
    expect(github.orgMembership('ada')).toBeDefined();
    expect(github.teamMembers('research')).toContain('ada');
    expect(google.userByEmail('ada@example.com')?.suspended).toBe(false);
    expect(google.membersOf('everyone@example.com')).toContain('ada@example.com');
    expect(graph.userByUpn('ada@example.com')?.accountEnabled).toBe(true);

    // Act 2: moves to Sales
    await webhook('move-1', 'employee.updated', { employeeId: 'E-42', attributes: { department: 'Sales' } });

    // Assess 2
    expect(github.teamMembers('research')).not.toContain('ada');
    expect(github.teamMembers('sales')).toContain('ada');
    expect([...(graph.groups.get(salesGroupId)?.members ?? [])]).toContain(graph.userByUpn('ada@example.com')?.id);

    // Act 3: terminated, effective now
    await webhook('term-1', 'employee.terminated', { employeeId: 'E-42', effectiveAt: new Date().toISOString() });

    // Assess 3: disabled (or removed, for GitHub) everywhere, sessions revoked where the app can
    expect(slackUser()?.active).toBe(false);
    expect(slack.sessionResets.length).toBe(1);
    expect(github.orgMembership('ada')).toBeUndefined();
    expect(google.userByEmail('ada@example.com')?.suspended).toBe(true);
    expect(google.userByEmail('ada@example.com')?.signOuts).toBe(1);
    expect(graph.userByUpn('ada@example.com')?.accountEnabled).toBe(false);
    expect(graph.userByUpn('ada@example.com')?.sessionRevocations).toBe(1);
    const personId = (await perimeter.stores.directory.findIdsByExternalId('User', 'hr:standard:E-42'))[0] ?? '';
    const access = await perimeter.stores.access.listActual(personId);
    expect(access.map((a) => [a.app, a.status])).toEqual([
      ['entra', 'disabled'],
      ['github', 'disabled'],
      ['google', 'disabled'],
      ['slack', 'disabled'],
    ]);
    const outcomes = (await perimeter.stores.ledger.forPerson(personId)).filter((e) => e.type.startsWith('step.'));
    expect(outcomes.every((e) => e.outcome === 'applied' || e.outcome === 'skipped')).toBe(true);
    expect(outcomes.filter((e) => e.type === 'step.disableAccount').map((e) => e.app).sort()).toEqual(['entra', 'github', 'google', 'slack']);
  });
});
