import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPerimeter, TEST_ADMIN_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

describe('sealing the ledger with checkpoints', () => {
  let perimeter: TestPerimeter;
  beforeAll(async () => {
    perimeter = await startTestPerimeter();
  });
  afterAll(async () => {
    await perimeter.stop();
  });
  const verify = async (): Promise<any> =>
    (await fetch(`${perimeter.url}/audit/verify`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json();

  it('catches a deleted last event once sealed, and refuses to seal a broken ledger', async () => {
    // Prepare: some history, sealed
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await perimeter.scim('/Users', { method: 'POST', body: { userName: `${name}@example.com` } })).body.id);
    await perimeter.scim(`/Users/${ids[1]}`, { method: 'PATCH', body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    const sealed = await perimeter.admin('/checkpoint', { method: 'POST' });
    const checkpoint = await fetch(`${perimeter.url}/audit/checkpoint`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }).then((r) => r.json());

    // Act: delete the newest event of b's chain (its leaver), as someone with table access could
    const chain = `person#${ids[1]}`;
    const head = await perimeter.stores.ledger.chainHead(chain);
    const db = (perimeter.stores.ledger as unknown as { db: { send(command: unknown): Promise<unknown> } }).db;
    await db.send(new DeleteCommand({ TableName: perimeter.tables.ledger, Key: { chain, seq: head?.seq } }));
    const report = await verify();
    const again = await perimeter.admin('/checkpoint', { method: 'POST' });

    // Assess
    expect(sealed.status).toBe(201);
    expect(checkpoint).toMatchObject({ chains: sealed.body.chains, hash: sealed.body.hash });
    expect(report).toMatchObject({ intact: false, firstBreak: { chain, reason: 'truncated' } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('Refusing to seal a broken ledger');
  });
});
