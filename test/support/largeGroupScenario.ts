import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../lib/adapters/dynamodb/batchPutAll.js';
import { directoryItemCodec } from '../../lib/adapters/dynamodb/directory/directoryItemCodec.js';
import type { UserRecord } from '../../lib/domain/DirectoryRecords.js';
import { MAX_RESPONSE_BYTES } from '../../functions/scim/scimResponse.js';
import { PATCH_RESPONSE_MEMBERS } from '../../lib/scim/ScimGroups.js';
import { inParallel } from './inParallel.js';
import type { ScimReply, ScimRequestInit, TestPerimeter } from './startTestPerimeter.js';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Members per PATCH, as an IdP batches them (the body stays well under the 1 MiB request limit). */
const PATCH_BATCH = 1000;
/** A member's least share of a group read: its value and $ref (an absolute URL) alone are over 120 bytes. */
const MIN_MEMBER_BYTES = 120;
/** Okta removes members one filtered operation each; this many operations per request. */
const OKTA_REMOVE_OPS = 100;

export interface LargeGroupTimings {
  readonly seedMs: number;
  readonly buildMs: number;
  readonly checkMs: number;
  /** Bytes of GET /Groups/{id} with its members (of those within the response limit), and with excludedAttributes=members. */
  readonly fullGetBytes: number;
  readonly slimGetBytes: number;
  /** Groups whose read with members was past the response limit (400 tooMany). */
  readonly tooMany: number;
  /** 503s answered while a group was still delivering an earlier write (retried as IdPs do). */
  readonly busy: number;
}

export interface LargeGroupPlan {
  /** Members of the Okta group at its largest. */
  readonly size: number;
  /** Members of the Entra group at its largest (at least putSize, at most size). */
  readonly entraSize: number;
  /** Members the PUT carries (a PUT holds every member, within the 1 MiB request limit). */
  readonly putSize: number;
  /** Members removed from each group at the end. */
  readonly removed: number;
  /**
   * Members whose own rows and ledger chain are read back, besides every removed one; all when
   * absent. Both groups' member rows are always compared whole.
   */
  readonly checked?: number;
}

/**
 * Two groups built over HTTP the way IdPs send them, then checked member by member. Okta pushes
 * its group with the first members, PATCHes `add` batches up to `size` and removes members with
 * one `members[value eq ...]` operation each (100 a request). Entra creates its group empty, a PUT
 * replaces its members with `putSize` at once, PATCH `Add` batches bring it to `entraSize`, and one
 * `Remove` takes `removed` out. Then SCIM membership, each member's last ledger event about the
 * group and the directory's rows must agree. Users are seeded straight into the directory table:
 * creating 50,000 over HTTP would measure POST /Users, not groups.
 */
export async function largeGroupScenario(perimeter: TestPerimeter, plan: LargeGroupPlan): Promise<LargeGroupTimings> {
  const { size, entraSize, putSize, removed } = plan;
  const started = Date.now();
  const userIds = await seedUsers(perimeter, size);
  const seeded = Date.now();
  let busy = 0;
  /**
   * A request as an IdP sends it: a 503 (the group still delivering an earlier large write) is
   * retried after Retry-After, in which time the recovery schedule delivers more; here the test
   * runs that recovery itself instead of waiting for the timer.
   */
  const scim = async (path: string, init: ScimRequestInit): Promise<ScimReply> => {
    for (;;) {
      const answer = await perimeter.scim(path, init);
      if (answer.status !== 503 || busy >= 1000) return answer;
      expect(answer.headers.get('retry-after')).toBeTruthy();
      busy++;
      await perimeter.app.scheduled.runTask('recover');
    }
  };
  const ok = async (reply: Promise<ScimReply>, status = 200): Promise<ScimReply> => {
    const answer = await reply;
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer;
  };
  /** A PATCH answers 200 with the group, or 204 once the group is past PATCH_RESPONSE_MEMBERS. */
  const patched = async (groupId: string, body: unknown): Promise<void> => {
    const answer = await scim(`/Groups/${groupId}`, { method: 'PATCH', body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(answer.status === 204 ? 204 : 200);
    if (answer.status === 200) expect((answer.body.members as unknown[]).length).toBeLessThanOrEqual(PATCH_RESPONSE_MEMBERS);
  };
  const batches = (ids: readonly string[], width: number): string[][] =>
    Array.from({ length: Math.ceil(ids.length / width) }, (_, index) => ids.slice(index * width, (index + 1) * width));

  // Okta: the group pushed with its first batch, the rest PATCHed in, leavers removed by filter.
  const [oktaFirst = [], ...oktaRest] = batches(userIds, PATCH_BATCH);
  const okta = String(
    (await ok(scim('/Groups', { method: 'POST', body: { schemas: [GROUP_SCHEMA], displayName: 'Okta pushed', members: oktaFirst.map((value) => ({ value })) } }), 201)).body.id,
  );
  for (const batch of oktaRest) {
    await patched(okta, { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: batch.map((value) => ({ value, display: value })) }] });
  }
  const oktaLeaving = userIds.slice(size - removed);
  for (const batch of batches(oktaLeaving, OKTA_REMOVE_OPS)) {
    await patched(okta, { schemas: [PATCH_OP], Operations: batch.map((value) => ({ op: 'remove', path: `members[value eq "${value}"]` })) });
  }
  // Entra: created empty, replaced by a PUT, Added to in batches, then a batch Removed.
  const entra = String((await ok(scim('/Groups', { method: 'POST', body: { schemas: [GROUP_SCHEMA], externalId: randomUUID(), displayName: 'Entra synced' } }), 201)).body.id);
  await ok(scim(`/Groups/${entra}?excludedAttributes=members`, { method: 'PUT', body: { schemas: [GROUP_SCHEMA], displayName: 'Entra synced', members: userIds.slice(0, putSize).map((value) => ({ value })) } }));
  for (const batch of batches(userIds.slice(putSize, entraSize), PATCH_BATCH)) {
    await patched(entra, { schemas: [PATCH_OP], Operations: [{ op: 'Add', path: 'members', value: batch.map((value) => ({ $ref: null, value })) }] });
  }
  const entraLeaving = userIds.slice(0, removed);
  await patched(entra, { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value: entraLeaving.map((value) => ({ $ref: null, value })) }] });
  // What the requests left to recovery (their delivery ran out of time) is delivered by it.
  while ((await perimeter.stores.directory.listPendingOutboxes(1)).length > 0) await perimeter.app.scheduled.runTask('recover');
  const built = Date.now();

  const expected = new Map<string, Set<string>>([
    [okta, new Set(userIds.slice(0, size - removed))],
    [entra, new Set(userIds.slice(removed, entraSize))],
  ]);
  let fullGetBytes = 0;
  let slimGetBytes = 0;
  let tooMany = 0;
  for (const [groupId, members] of expected) {
    const full = await scim(`/Groups/${groupId}`, { method: 'GET' });
    const slim = await ok(scim(`/Groups/${groupId}?excludedAttributes=members`, { method: 'GET' }));
    if (full.status === 400) {
      // Past the response limit a read with members is refused with the way out, never a 502.
      expect(full.body).toMatchObject({ scimType: 'tooMany', detail: expect.stringContaining('excludedAttributes=members') });
      expect(members.size * MIN_MEMBER_BYTES).toBeGreaterThan(MAX_RESPONSE_BYTES);
      tooMany++;
    } else {
      expect(full.status, JSON.stringify(full.body).slice(0, 300)).toBe(200);
      expect(new Set((full.body.members as { value: string }[]).map((m) => m.value))).toEqual(members);
      fullGetBytes = Math.max(fullGetBytes, JSON.stringify(full.body).length);
    }
    expect(slim.body.members).toBeUndefined();
    slimGetBytes = Math.max(slimGetBytes, JSON.stringify(slim.body).length);
  }
  const { directory, ledger } = perimeter.stores;
  for (const [groupId, members] of expected) {
    expect(new Set((await directory.membersOf(groupId)).map((row) => row.memberId))).toEqual(members);
  }
  // Each member's own rows and ledger chain: every member, or the removed ones and an even spread.
  const stride = plan.checked === undefined ? 1 : Math.max(1, Math.floor(size / plan.checked));
  const checked = userIds.filter((userId, index) => index % stride === 0 || index < removed || index >= size - removed);
  await inParallel(checked, 16, async (userId) => {
    const rows = new Set(await directory.groupIdsOf(userId));
    const history = await ledger.chain(`person#${userId}`);
    for (const [groupId, members] of expected) {
      const last = history.filter((event) => JSON.stringify(event.detail).includes(groupId)).at(-1);
      const ledgerSays = (last?.detail as { groupsAdded?: unknown } | undefined)?.groupsAdded !== undefined;
      expect([userId, groupId, rows.has(groupId), ledgerSays]).toEqual([userId, groupId, members.has(userId), members.has(userId)]);
    }
  });
  // SCIM's view of a member agrees too (a sample: every user over HTTP would measure GET /Users).
  for (const userId of [userIds[0], userIds[removed], userIds.at(-1)] as string[]) {
    const groups = (await ok(scim(`/Users/${userId}`, { method: 'GET' }))).body.groups as { value: string }[] | undefined;
    const inGroups = [...expected].filter(([, members]) => members.has(userId)).map(([groupId]) => groupId);
    expect(new Set((groups ?? []).map((g) => g.value))).toEqual(new Set(inGroups));
  }
  expect(await directory.listPendingOutboxes(10)).toEqual([]);
  return { seedMs: seeded - started, buildMs: built - seeded, checkMs: Date.now() - built, fullGetBytes, slimGetBytes, tooMany, busy };
}

/**
 * Users as the directory stores them, written in batches of 25: the store's own putUser (claim,
 * index, item, outbox) would take most of the run at 50,000. Their userNames are not claimed, so
 * they are found by id only, which is all the scenario needs.
 */
async function seedUsers(perimeter: TestPerimeter, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID()).sort();
  const now = new Date().toISOString();
  const users: UserRecord[] = ids.map((id) => ({ id, userName: `${id}@example.com`, active: true, version: 1, created: now, lastModified: now, attributes: { userName: `${id}@example.com`, displayName: `User ${id.slice(0, 8)}` } }));
  // The engine exposes ports, not its client; the ledger store holds the shared document client.
  const db = (perimeter.stores.ledger as unknown as { db: DynamoDBDocumentClient }).db;
  const items = users.map((user) => directoryItemCodec.userItem(user));
  await inParallel(Array.from({ length: Math.ceil(items.length / 500) }, (_, index) => items.slice(index * 500, (index + 1) * 500)), 4, (slice) =>
    batchPutAll(db, perimeter.tables.directory, slice),
  );
  return ids;
}
