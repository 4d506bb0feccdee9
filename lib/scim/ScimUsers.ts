import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Outbox, UserRecord } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import { classifyChange } from '../lifecycle/classifyChange.js';
import type { GroupRef, LifecycleEvent } from '../domain/LifecycleEvent.js';
import type { Logger } from '../observability/Logger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { applyPatch } from './applyPatch.js';
import { checkIfMatch } from './checkIfMatch.js';
import { deliverOutbox } from './deliverOutbox.js';
import { type ListResponse, listResources } from './listResources.js';
import type { ListQuery } from './parseListQuery.js';
import { type Projection, projectAttributes, wantsAttribute } from './projectAttributes.js';
import { representUser } from './represent.js';
import type { ScimContext } from './ScimContext.js';
import { scimError } from './scimError.js';
import { toPersonSnapshot } from '../directory/toPersonSnapshot.js';
import { validateResource } from './validateResource.js';
import { writeWithRetry } from './writeWithRetry.js';

type Json = Record<string, unknown>;

export interface ScimServiceDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface ScimResult {
  readonly resource: Json;
  readonly version: number;
}

/**
 * SCIM /Users: validates, writes through the directory store with the change's lifecycle events in
 * the same write, then delivers them to the ledger.
 */
export class ScimUsers {
  private readonly now: () => Date;

  public constructor(private readonly deps: ScimServiceDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  public async create(body: unknown, context: ScimContext): Promise<ScimResult> {
    const { attributes } = validateResource('User', body);
    const timestamp = this.now().toISOString();
    const user = toRecord(randomUUID(), attributes, 1, timestamp, timestamp);
    const outbox = this.outbox([this.event(null, user, context, timestamp)], timestamp);
    await writeWithRetry(this.deps, { type: 'User', id: user.id }, undefined, () =>
      this.deps.store.putUser(user, undefined, outbox),
    );
    await deliverOutbox(this.deps.relay, this.deps.logger, { type: 'User', id: user.id }, outbox);
    return { resource: representUser(user, context.baseUrl, []), version: user.version };
  }

  public async get(id: string, projection: Projection, context: ScimContext): Promise<ScimResult> {
    const user = await this.require(id);
    const groups = wantsAttribute(projection, 'groups') ? await this.groupsOf(id) : undefined;
    const resource = representUser(user, context.baseUrl, groups);
    return { resource: projectAttributes('User', resource, projection), version: user.version };
  }

  public async list(query: ListQuery, context: ScimContext): Promise<ListResponse> {
    return listResources<UserRecord>({
      type: 'User',
      query,
      candidates: (lookup) => this.candidates(lookup),
      represent: async (users, withDerived) => {
        if (!withDerived) return users.map((user) => representUser(user, context.baseUrl));
        return Promise.all(users.map(async (user) => representUser(user, context.baseUrl, await this.groupsOf(user.id))));
      },
      derivedAttribute: 'groups',
    });
  }

  public async replace(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext): Promise<ScimResult> {
    validateResource('User', body);
    return this.update(id, ifMatch, context, async (current) => validateResource('User', body, { absentActive: current.active }).attributes);
  }

  public async patch(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext): Promise<ScimResult> {
    return this.update(id, ifMatch, context, async (current, groups) => {
      const patched = await applyPatch('User', representUser(current, context.baseUrl, groups), body);
      return patched === undefined ? undefined : validateResource('User', patched, { absentActive: current.active }).attributes;
    });
  }

  public async delete(id: string, ifMatch: string | undefined, context: ScimContext): Promise<void> {
    const key = { type: 'User', id } as const;
    const outbox = await writeWithRetry(this.deps, key, ifMatch, async () => {
      const current = await this.require(id);
      checkIfMatch(current.version, ifMatch);
      const timestamp = this.now().toISOString();
      const groups = await this.groupsOf(id);
      const event = this.event(current, null, context, timestamp, { groupsRemoved: groups });
      const outbox: Outbox = {
        ...this.outbox([event], timestamp),
        memberships: groups.map((group) => ({ op: 'remove', groupId: group.id, memberId: id, memberType: 'User' })),
        deleteAfter: true,
      };
      await this.deps.store.markDeleted(key, current.version, outbox);
      return outbox;
    });
    await deliverOutbox(this.deps.relay, this.deps.logger, key, outbox);
  }

  /** Shared by PUT and PATCH: compute the new attributes, write if they differ, record the change. */
  private async update(
    id: string,
    ifMatch: string | undefined,
    context: ScimContext,
    change: (current: UserRecord, groups: GroupRef[]) => Promise<Json | undefined>,
  ): Promise<ScimResult> {
    const key = { type: 'User', id } as const;
    const result = await writeWithRetry(this.deps, key, ifMatch, async () => {
      const current = await this.require(id);
      checkIfMatch(current.version, ifMatch);
      const groups = await this.groupsOf(id);
      const attributes = await change(current, groups);
      if (attributes === undefined || isDeepStrictEqual(attributes, current.attributes)) {
        return { user: current, groups, outbox: undefined };
      }
      const timestamp = this.now().toISOString();
      const next = toRecord(id, attributes, current.version + 1, current.created, timestamp);
      const event = this.event(current, next, context, timestamp);
      const outbox = this.outbox(event ? [event] : [], timestamp);
      await this.deps.store.putUser(next, current, outbox);
      return { user: next, groups, outbox };
    });
    if (result.outbox) await deliverOutbox(this.deps.relay, this.deps.logger, key, result.outbox);
    return { resource: representUser(result.user, context.baseUrl, result.groups), version: result.user.version };
  }

  private async candidates(lookup: { attribute: string; value: string } | undefined): Promise<UserRecord[]> {
    const { store } = this.deps;
    switch (lookup?.attribute) {
      case 'id':
        return [await store.getUser(lookup.value)].filter((user): user is UserRecord => user !== undefined);
      case 'userName':
        return [await store.findUserByUserName(lookup.value)].filter((user): user is UserRecord => user !== undefined);
      case 'externalId':
        return store.getUsers(await store.findIdsByExternalId('User', lookup.value));
      default:
        return store.listUsers();
    }
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.deps.store.getUser(id);
    if (!user) throw scimError(404, null, `User ${id} not found`);
    return user;
  }

  private async groupsOf(userId: string): Promise<GroupRef[]> {
    const ids = await this.deps.store.groupIdsOf(userId);
    if (ids.length === 0) return [];
    const groups = await this.deps.store.getGroups(ids);
    return groups.map((group) => ({ id: group.id, displayName: group.displayName })).sort((a, b) => a.id.localeCompare(b.id));
  }

  private event(
    before: UserRecord | null,
    after: UserRecord | null,
    context: ScimContext,
    timestamp: string,
    extra: { groupsRemoved?: GroupRef[] } = {},
  ): LifecycleEvent {
    const beforeSnapshot = before ? toPersonSnapshot(before) : null;
    const afterSnapshot = after ? toPersonSnapshot(after) : null;
    // Writes only happen when attributes changed; if none the snapshot holds did, the profile did.
    const classified = classifyChange(beforeSnapshot, afterSnapshot) ?? { kind: 'mover' as const, changes: ['profile'] };
    const personId = (after ?? before)?.id ?? '';
    return {
      eventId: randomUUID(),
      kind: classified.kind,
      personId,
      occurredAt: timestamp,
      source: {
        channel: context.channel ?? 'scim',
        actor: context.actor,
        ...(context.requestId ? { requestId: context.requestId } : {}),
        ...(context.operation ? { operation: context.operation } : {}),
      },
      before: beforeSnapshot,
      after: afterSnapshot,
      changes: extra.groupsRemoved?.length ? [...classified.changes, 'groups'] : classified.changes,
      ...(extra.groupsRemoved?.length ? { groupsRemoved: extra.groupsRemoved } : {}),
    };
  }

  private outbox(events: LifecycleEvent[], timestamp: string): Outbox {
    return { id: randomUUID(), createdAt: timestamp, events, memberships: [] };
  }
}

function toRecord(id: string, attributes: Json, version: number, created: string, lastModified: string): UserRecord {
  return {
    id,
    userName: String(attributes.userName),
    active: attributes.active !== false,
    ...(typeof attributes.externalId === 'string' ? { externalId: attributes.externalId } : {}),
    version,
    created,
    lastModified,
    attributes,
  };
}
