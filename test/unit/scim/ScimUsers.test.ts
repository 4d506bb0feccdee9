import { beforeEach, describe, expect, it } from 'vitest';
import { ledgerOnlyRelay } from '../../support/ledgerOnlyRelay.js';
import { toPersonSnapshot } from '../../../lib/directory/toPersonSnapshot.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { LifecycleEvent } from '../../../lib/domain/LifecycleEvent.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { Logger } from '../../../lib/observability/Logger.js';
import { parseListQuery } from '../../../lib/scim/parseListQuery.js';
import { parseProjection } from '../../../lib/scim/projectAttributes.js';
import type { ScimContext } from '../../../lib/scim/ScimContext.js';
import { PeopleDirectory } from '../../../lib/directory/PeopleDirectory.js';
import { ScimUsers } from '../../../lib/scim/ScimUsers.js';
import { isScimError } from '../../../lib/scim/scimError.js';
import { PATCH_OP_SCHEMA, USER_SCHEMA } from '../../../lib/scim/scimSchemas.js';
import { InMemoryDirectoryStore } from '../../fakes/InMemoryDirectoryStore.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

const CONTEXT: ScimContext = { baseUrl: 'https://perimeter.example.com/scim/v2', actor: 'okta' };
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The SCIM status and scimType a call fails with; fails the test if it succeeds. */
async function scimFailure(promise: Promise<unknown>): Promise<{ status: number; scimType: string | undefined }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  );
  if (!isScimError(error)) throw error;
  return { status: error.status, scimType: error.scimType };
}

/**
 * The SCIM user service over the in-memory directory and ledger: the directory's conditional writes,
 * outboxes and userName claims as the DynamoDB adapter keeps them (test/contract), without an engine.
 */
describe('ScimUsers on the in-memory directory', () => {
  let directory: InMemoryDirectoryStore;
  let ledgerStore: InMemoryLedgerStore;
  let users: ScimUsers;
  let clock: number;

  beforeEach(() => {
    clock = T0;
    const now = (): Date => new Date(clock);
    directory = new InMemoryDirectoryStore();
    ledgerStore = new InMemoryLedgerStore();
    users = new ScimUsers({ store: directory, people: new PeopleDirectory({ store: directory, relay: ledgerOnlyRelay(directory, new Ledger(ledgerStore, now)), logger: silent, now }) });
  });

  const create = async (userName: string, extra: Record<string, unknown> = {}): Promise<string> =>
    String((await users.create({ schemas: [USER_SCHEMA], userName, ...extra }, CONTEXT)).resource.id);
  const rename = (id: string, userName: string, ifMatch?: string) =>
    users.patch(id, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: userName }] }, ifMatch, CONTEXT);
  const history = async (id: string): Promise<string[]> => (await ledgerStore.chain(`person#${id}`)).map((event) => event.type);

  it('creates a user, records the joiner in the ledger, and leaves no outbox behind', async () => {
    // Act
    const id = await create('ada@example.com', { name: { givenName: 'Ada' } });

    // Assess
    const read = await users.get(id, parseProjection('User'), CONTEXT);
    expect(read.resource).toMatchObject({ id, userName: 'ada@example.com', name: { givenName: 'Ada' }, meta: { version: 'W/"1"' } });
    expect(await history(id)).toEqual(['lifecycle.joiner']);
    expect(await directory.listPendingOutboxes(10)).toEqual([]);
  });

  it('refuses a second user with the same userName in another case as 409 uniqueness', async () => {
    // Prepare
    await create('ada@example.com');

    // Act
    const failure = await scimFailure(create('ADA@Example.com'));

    // Assess
    expect(failure).toEqual({ status: 409, scimType: 'uniqueness' });
    expect(await directory.listUsers()).toHaveLength(1);
  });

  it('refuses a rename with a stale If-Match as 412, and applies one with the current version', async () => {
    // Prepare
    const id = await create('ann@example.com');
    await rename(id, 'anne@example.com');

    // Act
    const stale = await scimFailure(rename(id, 'annie@example.com', 'W/"1"'));
    const current = await rename(id, 'annie@example.com', 'W/"2"');

    // Assess
    expect(stale.status).toBe(412);
    expect(current.version).toBe(3);
    expect((await directory.findUserByUserName('ANNIE@example.com'))?.id).toBe(id);
    expect(await directory.findUserByUserName('ann@example.com')).toBeUndefined();
    // The names it left are free again.
    await create('ann@example.com');
    await create('anne@example.com');
  });

  it('delivers an earlier write\'s undelivered outbox before writing again, so events keep their order', async () => {
    // Prepare: a write whose delivery crashed; its outbox is still pending.
    const id = await create('grace@example.com');
    const current = (await directory.getUser(id)) as UserRecord;
    const promoted = { ...current, version: 2, attributes: { ...current.attributes, title: 'Rear Admiral' } };
    const occurredAt = new Date(clock).toISOString();
    const mover: LifecycleEvent = {
      eventId: 'evt-crashed-mover',
      kind: 'mover',
      personId: id,
      occurredAt,
      source: { channel: 'scim', actor: 'okta' },
      before: toPersonSnapshot(current),
      after: toPersonSnapshot(promoted),
      changes: ['title'],
    };
    await directory.putUser(promoted, current, { id: 'outbox-crashed', createdAt: occurredAt, events: [mover], memberships: [] });
    clock += 60_000;

    // Act
    const patched = await users.patch(id, { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'displayName', value: 'Grace Hopper' }] }, undefined, CONTEXT);

    // Assess
    expect(patched.version).toBe(3);
    expect(patched.resource).toMatchObject({ title: 'Rear Admiral', displayName: 'Grace Hopper' });
    expect(await directory.pendingOutbox({ type: 'User', id })).toBeUndefined();
    expect((await ledgerStore.chain(`person#${id}`)).map((event) => [event.type, event.eventId === 'evt-crashed-mover'])).toEqual([
      ['lifecycle.joiner', false],
      ['lifecycle.mover', true],
      ['lifecycle.mover', false],
    ]);
  });

  it('deletes a user: 404 afterwards, the leaver in the ledger, the userName free for someone new', async () => {
    // Prepare
    const id = await create('alan@example.com');

    // Act
    await users.delete(id, 'W/"1"', CONTEXT);

    // Assess
    expect((await scimFailure(users.get(id, parseProjection('User'), CONTEXT))).status).toBe(404);
    expect(await history(id)).toEqual(['lifecycle.joiner', 'lifecycle.leaver']);
    expect(await directory.pendingOutbox({ type: 'User', id })).toBeUndefined();
    const successor = await create('Alan@example.com');
    expect(successor).not.toBe(id);
  });

  it('finds a user by a userName filter whatever its case, through the directory\'s lookup', async () => {
    // Prepare
    const id = await create('Dorothy.Vaughan@example.com');
    await create('katherine@example.com');

    // Act
    const list = await users.list(parseListQuery('User', { filter: 'userName eq "dorothy.vaughan@EXAMPLE.com"' }), CONTEXT);

    // Assess
    expect(list).toMatchObject({ totalResults: 1, Resources: [{ id }] });
  });
});
