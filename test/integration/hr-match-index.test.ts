import { createHmac } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../lib/adapters/dynamodb/DynamoDirectoryStore.js';
import { directoryTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../../lib/scim/scimSchemas.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { type EmbeddedTables, startEmbeddedTables } from '../support/startEmbeddedTables.js';
import { startTestPerimeter, TEST_SCIM_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

const STANDARD_SECRET = `whsec_${Buffer.from('standard-webhooks-match-index-key').toString('base64')}`;
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function standardHeaders(id: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', Buffer.from(STANDARD_SECRET.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/**
 * An HR event for someone no HR id links yet is matched to an IdP-provisioned user by the
 * enterprise employeeNumber or by any of their emails, through the directory's match-key index
 * (not by reading every user), which follows every change of those attributes.
 */
describe('HR events find existing people through the match-key index', () => {
  let perimeter: TestPerimeter;
  let messages = 0;

  beforeAll(async () => {
    const config = parsePerimeterConfig({ webhooks: { standard: { secret: 'hr/standard' } } }, 'test');
    perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ 'hr/standard': STANDARD_SECRET }) });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const scim = async (method: string, path: string, body: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${perimeter.url}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${TEST_SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const hire = async (employeeId: string, attributes: Record<string, string>): Promise<string> => {
    const body = JSON.stringify({ type: 'employee.hired', timestamp: new Date().toISOString(), data: { employeeId, attributes: { givenName: 'Grace', familyName: 'Hopper', ...attributes } } });
    const response = await fetch(`${perimeter.url}/hooks/hr/standard`, { method: 'POST', headers: standardHeaders(`msg-${++messages}`, body), body });
    expect(response.status).toBe(202);
    return ((await response.json()) as { events: { personId: string }[] }).events[0]?.personId ?? '';
  };
  const users = async (): Promise<number> => (await perimeter.stores.directory.listUsers()).length;

  it('starts with a complete index (recovery indexed the directory at start)', async () => {
    expect(await perimeter.stores.directory.hasMatchIndex()).toBe(true);
  });

  it('matches by employee number and by a secondary email, whatever its case, without creating anyone', async () => {
    // Prepare: an IdP-provisioned user whose userName is not their work email.
    const created = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
      userName: 'ghopper',
      emails: [{ value: 'grace@example.com', type: 'work', primary: true }, { value: 'G.Hopper@Navy.example', type: 'other' }],
      [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'N-1906' },
    });
    const before = await users();

    // Act
    const byNumber = await hire('hr-1', { employeeNumber: 'N-1906', workEmail: 'nobody@example.com' });
    const byEmail = await hire('hr-2', { workEmail: 'g.hopper@navy.EXAMPLE' });

    // Assess
    expect([byNumber, byEmail]).toEqual([created.body.id, created.body.id]);
    expect(await users()).toBe(before);
  });

  it('forgets a key the user no longer has: a hire with a removed email is a new person', async () => {
    // Prepare
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'kjohnson', emails: [{ value: 'katherine@example.com' }] });
    await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'kj@example.com' }] }] });
    const before = await users();

    // Act
    const removed = await hire('hr-3', { workEmail: 'katherine@example.com' });
    const kept = await hire('hr-4', { workEmail: 'KJ@example.com' });

    // Assess
    expect(removed).not.toBe(created.body.id);
    expect(kept).toBe(created.body.id);
    expect(await users()).toBe(before + 1);
  });
});

describe('the match-key index on a directory the previous version wrote', () => {
  let engine: EmbeddedTables;
  let db: DynamoDBDocumentClient;
  let table: string;
  beforeAll(async () => {
    engine = await startEmbeddedTables([{ definition: directoryTable, tableName: 'directory' }]);
    db = engine.db;
    table = engine.tableName('directory');
  });
  afterAll(async () => {
    await engine.close();
  });

  it('is incomplete until backfilled, then finds the users written before it', async () => {
    // Prepare: a user, then what the previous version would not have written: its entry, the marker.
    const now = new Date().toISOString();
    const attributes = { userName: 'dvaughan', [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 'N-1910' } };
    await new DynamoDirectoryStore(db, table).putUser(
      { id: 'u-dorothy', userName: 'dvaughan', active: true, version: 1, created: now, lastModified: now, attributes },
      undefined,
      { id: 'o1', createdAt: now, events: [], memberships: [] },
    );
    await db.send(new DeleteCommand({ TableName: table, Key: { pk: 'MATCH#EMPNO#N-1910', sk: 'u-dorothy' } }));
    const legacy = new DynamoDirectoryStore(db, table);

    // Act
    const before = [await legacy.hasMatchIndex(), await legacy.findUserIdsByMatchKey('EMPNO#N-1910')];
    const indexed = await legacy.backfillMatchIndex();

    // Assess
    expect(before).toEqual([false, []]);
    expect(indexed).toEqual({ users: 1, collidingUserIds: [] });
    expect(await legacy.findUserIdsByMatchKey('EMPNO#N-1910')).toEqual(['u-dorothy']);
    // Another process (a new Lambda container) sees the marker.
    expect(await new DynamoDirectoryStore(db, table).hasMatchIndex()).toBe(true);
  });
});
