import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../lib/auth/hashToken.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { TOKEN_SECRETS } from '../../local/resolveLocalTokens.js';
import { runAuditCommand } from '../../local/runAuditCommand.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import type { MemoryApp} from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';
import { untilClockPasses } from '../support/untilClockPasses.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const AUDITOR_TOKEN = 'auditor-token-0123456789abcdef';

describe('audit API', () => {
  const apps = new Map<string, MemoryApp>();
  const secrets = new InMemorySecretStore({ [TOKEN_SECRETS.auditor]: JSON.stringify({ tokens: [{ label: 'auditor-1', sha256: hashToken(AUDITOR_TOKEN) }] }) });
  let perimeter: TestPerimeter;
  let leaverId: string;
  let beforeTermination: string;

  const audit = async (path: string, token = AUDITOR_TOKEN): Promise<{ status: number; body: any; text: string; headers: Headers }> => {
    const response = await fetch(`${perimeter.url}/audit${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text, headers: response.headers };
  };

  beforeAll(async () => {
    const config = parsePerimeterConfig(
      {
        connectors: [{ id: 'chat', type: 'memory' }, { id: 'code', type: 'memory' }],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'eng-code', when: { department: 'Engineering' }, grant: [{ app: 'code', entitlements: ['team:eng'] }] },
            { id: 'ops-code', when: { department: 'Operations' }, grant: [{ app: 'code', entitlements: ['team:ops'] }] },
          ],
        },
      },
      'test',
    );
    perimeter = await startTestPerimeter({ config, secrets, registry: new Map([['memory', memoryConnectorDefinition(apps)]]) });
    // A joiner in Engineering, who moves to Operations, then leaves.
    const created = await perimeter.scim('/Users', { method: 'POST', body: { userName: 'grace@example.com', displayName: 'Grace Hopper', [ENTERPRISE]: { department: 'Engineering' } } });
    leaverId = created.body.id;
    await perimeter.queue.drained();
    await perimeter.scim(`/Users/${leaverId}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Operations' }] } });
    await perimeter.queue.drained();
    beforeTermination = new Date().toISOString();
    await untilClockPasses(beforeTermination);
    await perimeter.scim(`/Users/${leaverId}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    await perimeter.queue.drained();
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  it('shows a leaver every grant and revocation with the rule and the source, page by page', async () => {
    // Act
    const first = await audit(`/persons/${leaverId}/events?limit=5`);
    const second = await audit(`/persons/${leaverId}/events?limit=100&cursor=${first.body.nextCursor}`);
    const events = [...first.body.events, ...second.body.events];

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(5);
    expect(new Set(events.map((e: { eventId: string }) => e.eventId)).size).toBe(events.length);
    const grants = events.filter((e: { type: string }) => e.type === 'step.grant');
    const revokes = events.filter((e: { type: string }) => e.type === 'step.revoke');
    expect(grants.map((e: { entitlement: string; rule: string }) => [e.entitlement, e.rule])).toEqual([
      ['team:eng', 'eng-code'],
      ['team:ops', 'ops-code'],
    ]);
    expect(revokes.map((e: { entitlement: string }) => e.entitlement)).toEqual(['team:eng', 'team:ops']);
    const leaver = events.find((e: { type: string }) => e.type === 'lifecycle.leaver');
    expect(leaver.source).toMatchObject({ channel: 'scim', actor: 'local-scim-token-from-environment' });
  });

  it('answers "access as of" a time before the termination with the access then', async () => {
    // Act
    const then = await audit(`/persons/${leaverId}/access?asOf=${encodeURIComponent(beforeTermination)}`);
    const now = await audit(`/persons/${leaverId}/access`);

    // Assess
    const appsThen = Object.fromEntries(then.body.apps.map((a: { app: string; status: string; entitlements: { entitlement: string }[] }) => [a.app, [a.status, a.entitlements.map((e) => e.entitlement)]]));
    expect(appsThen).toEqual({ chat: ['active', []], code: ['active', ['team:ops']] });
    expect(now.body.apps.map((a: { status: string }) => a.status)).toEqual(['disabled', 'disabled']);
  });

  it('serves app, entitlement and time-range histories, and the access matrix', async () => {
    const byApp = await audit('/apps/code/events?limit=100');
    const byEntitlement = await audit('/apps/code/entitlements/team:eng/events');
    const range = await audit(`/events?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&outcome=applied&limit=1000`);
    const matrix = await audit('/matrix');
    expect(byApp.body.events.every((e: { app: string }) => e.app === 'code')).toBe(true);
    expect(byEntitlement.body.events.map((e: { type: string }) => e.type)).toEqual(['step.grant', 'step.revoke']);
    expect(range.body.events.length).toBeGreaterThan(5);
    expect(range.body.events.every((e: { outcome: string }) => e.outcome === 'applied')).toBe(true);
    expect(matrix.body.people).toEqual(expect.arrayContaining([expect.objectContaining({ personId: leaverId, userName: 'grace@example.com' })]));
  });

  it('exports CSV (RFC 4180), JSON Lines and OCSF', async () => {
    // Act
    const csv = await audit(`/export?format=csv&person=${leaverId}`);
    const jsonl = await audit(`/export?format=jsonl&person=${leaverId}`);
    const ocsf = await audit(`/export?format=ocsf&person=${leaverId}`);

    // Assess
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const rows = parseCsv(csv.text, { columns: true }) as Record<string, string>[];
    expect(rows.filter((row) => row.type === 'step.grant').map((row) => row.entitlement)).toEqual(['team:eng', 'team:ops']);
    expect(jsonl.text.trim().split('\n').map((line) => JSON.parse(line).personId)).toContain(leaverId);
    expect(ocsf.text.trim().split('\n').map((line) => JSON.parse(line).class_uid)).toEqual(expect.arrayContaining([3001, 3005]));
  });

  it('verifies the chains, and names the event after a row is edited in DynamoDB', async () => {
    // Prepare
    const intact = await audit('/verify');
    const grant = (await audit(`/persons/${leaverId}/events?limit=100`)).body.events.find((e: { type: string }) => e.type === 'step.grant');
    const tampered = JSON.stringify({ ...grant, entitlement: 'team:admins' });

    // Act: edit the stored event directly, as someone with table access could
    const db = (perimeter.stores.ledger as unknown as { db: { send(command: unknown): Promise<unknown> } }).db;
    await db.send(new UpdateCommand({ TableName: perimeter.tables.ledger, Key: { chain: grant.chain, seq: grant.seq }, UpdateExpression: 'SET #e = :e', ExpressionAttributeNames: { '#e': 'event' }, ExpressionAttributeValues: { ':e': tampered } }));
    const broken = await audit('/verify');

    // Assess
    expect(intact.body).toMatchObject({ intact: true });
    expect(intact.body.events).toBeGreaterThan(10);
    expect(broken.body).toMatchObject({ intact: false, firstBreak: { chain: grant.chain, seq: grant.seq, reason: 'edited' } });
  });

  it('is read-only and guarded: auditors cannot reach /admin, the SCIM token cannot reach /audit, bad input is a 400', async () => {
    const adminWithAuditor = await fetch(`${perimeter.url}/admin/connectors`, { headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
    const auditWithScim = await audit('/matrix', TEST_SCIM_TOKEN);
    const post = await fetch(`${perimeter.url}/audit/verify`, { method: 'POST', headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
    const badCursor = await audit(`/persons/${leaverId}/events?cursor=not-a-cursor`);
    const foreignCursor = await audit(`/apps/chat/events?cursor=${(await audit(`/persons/${leaverId}/events?limit=1`)).body.nextCursor}`);
    const badTime = await audit(`/persons/${leaverId}/access?asOf=yesterday`);
    const badFormat = await audit('/export?format=xml');
    expect([adminWithAuditor.status, auditWithScim.status, post.status]).toEqual([401, 401, 405]);
    expect([badCursor.status, foreignCursor.status, badTime.status, badFormat.status]).toEqual([400, 400, 400, 400]);
  });

  it('answers the same questions from the CLI (perimeter audit ...), paging to the end', async () => {
    // Prepare
    const env = { PERIMETER_AUDIT_TOKEN: AUDITOR_TOKEN, PERIMETER_URL: perimeter.url };
    const run = async (...args: string[]): Promise<{ code: number; out: string }> => {
      let out = '';
      const code = await runAuditCommand(args, env, (chunk) => {
        out += chunk;
      });
      return { code, out };
    };

    // Act
    const events = await run('events', '--person', leaverId, '--limit', '3');
    const asOf = await run('access', '--person', leaverId, '--as-of', beforeTermination);
    const csv = await run('export', '--format', 'csv', '--app', 'code');
    const verify = await run('verify');
    const noToken = await runAuditCommand(['verify'], { PERIMETER_URL: perimeter.url }, () => undefined).catch((error: Error) => error);

    // Assess
    const lines = events.out.trim().split('\n').map((line) => JSON.parse(line) as { personId: string });
    expect(lines.length).toBe((await audit(`/persons/${leaverId}/events?limit=1000`)).body.events.length);
    expect(JSON.parse(asOf.out).apps.find((a: { app: string }) => a.app === 'code').status).toBe('active');
    expect(csv.out.split('\r\n')[0]).toContain('recordedAt');
    expect(verify.code).toBe(3); // the previous test tampered with a row
    expect(noToken).toBeInstanceOf(Error);
  });
});
