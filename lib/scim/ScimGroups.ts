import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { groupOutbox } from '../directory/groupOutbox.js';
import type { GroupRecord, Outbox, ResourceKey } from '../domain/DirectoryRecords.js';
import type { EventSource } from '../domain/LifecycleEvent.js';
import { applyPatch } from './applyPatch.js';
import { checkIfMatch } from './checkIfMatch.js';
import { deliverOutbox } from './deliverOutbox.js';
import { type ListResponse, listResources } from './listResources.js';
import type { ListQuery } from './parseListQuery.js';
import { type Projection, projectAttributes, wantsAttribute } from './projectAttributes.js';
import { type MemberRef, representGroup } from './represent.js';
import type { ScimContext } from './ScimContext.js';
import type { ScimResult, ScimServiceDependencies } from './ScimUsers.js';
import { scimError } from './scimError.js';
import { validateResource } from './validateResource.js';
import { writeWithRetry } from './writeWithRetry.js';

type Json = Record<string, unknown>;

/**
 * Past this many members a PATCH answers 204 No Content, which RFC 7644 §3.5.2 allows, unless the
 * request names `members` in `attributes`: the whole group would cost a read of every member for
 * their display names and, at ~40,000 members, outgrow a Lambda response (6 MB). IdPs send group
 * PATCHes for their effect and do not read the body back.
 */
export const PATCH_RESPONSE_MEMBERS = 1000;

/** A group write's answer; `noContent` when the edge should answer 204 (see PATCH_RESPONSE_MEMBERS). */
export interface GroupWriteResult extends ScimResult {
  readonly noContent?: boolean;
}

interface GroupChange {
  readonly attributes: Json;
  readonly members: readonly { value: string; type?: string }[];
}

/**
 * SCIM /Groups. Membership rows are projected from each write's outbox; every membership added or
 * removed becomes a mover event on the member's own ledger chain.
 */
export class ScimGroups {
  private readonly now: () => Date;

  public constructor(private readonly deps: ScimServiceDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  public async create(body: unknown, context: ScimContext): Promise<ScimResult> {
    const { attributes, members = [] } = validateResource('Group', body);
    const resolved = await this.resolveMembers(members, undefined);
    const timestamp = this.now().toISOString();
    const group = toRecord(randomUUID(), attributes, 1, timestamp, timestamp);
    const outbox = await this.outbox('created', group, null, [], resolved, context, timestamp);
    await writeWithRetry(this.deps, key(group.id), undefined, () => this.deps.store.putGroup(group, undefined, outbox));
    await deliverOutbox(this.deps.relay, this.deps.logger, key(group.id), outbox, this.now);
    return { resource: representGroup(group, context.baseUrl, resolved), version: group.version };
  }

  public async get(id: string, projection: Projection, context: ScimContext): Promise<ScimResult> {
    const group = await this.require(id);
    const members = wantsAttribute(projection, 'members') ? await this.membersOf(id, true) : undefined;
    return {
      resource: projectAttributes('Group', representGroup(group, context.baseUrl, members), projection),
      version: group.version,
    };
  }

  public async list(query: ListQuery, context: ScimContext): Promise<ListResponse> {
    return listResources<GroupRecord>({
      type: 'Group',
      query,
      candidates: async (lookup) => {
        const { store } = this.deps;
        if (lookup?.attribute === 'id') return [await store.getGroup(lookup.value)].filter((g): g is GroupRecord => !!g);
        if (lookup?.attribute === 'externalId') return store.getGroups(await store.findIdsByExternalId('Group', lookup.value));
        return store.listGroups();
      },
      represent: async (groups, withDerived) =>
        Promise.all(
          groups.map(async (group) =>
            representGroup(group, context.baseUrl, withDerived ? await this.membersOf(group.id, true) : undefined),
          ),
        ),
      derivedAttribute: 'members',
    });
  }

  /** `projection` is the request's `attributes`/`excludedAttributes`, applied to the answer (RFC 7644 §3.9). */
  public async replace(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext, projection: Projection = {}): Promise<GroupWriteResult> {
    const { attributes, members = [] } = validateResource('Group', body);
    return this.update(id, ifMatch, context, projection, 'PUT', async () => ({ attributes, members }));
  }

  public async patch(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext, projection: Projection = {}): Promise<GroupWriteResult> {
    return this.update(id, ifMatch, context, projection, 'PATCH', async (current, members) => {
      const patched = await applyPatch('Group', representGroup(current, context.baseUrl, members), body);
      if (patched === undefined) return undefined;
      const { attributes, members: next = [] } = validateResource('Group', patched);
      return { attributes, members: next };
    });
  }

  public async delete(id: string, ifMatch: string | undefined, context: ScimContext): Promise<void> {
    const outbox = await writeWithRetry(this.deps, key(id), ifMatch, async () => {
      const current = await this.require(id);
      checkIfMatch(current.version, ifMatch);
      const timestamp = this.now().toISOString();
      const members = await this.membersOf(id, false);
      const outbox: Outbox = {
        ...(await this.outbox('deleted', current, current, members, [], context, timestamp)),
        deleteAfter: true,
      };
      await this.deps.store.markDeleted(key(id), current.version, outbox);
      return outbox;
    });
    await deliverOutbox(this.deps.relay, this.deps.logger, key(id), outbox, this.now);
  }

  private async update(
    id: string,
    ifMatch: string | undefined,
    context: ScimContext,
    projection: Projection,
    method: 'PUT' | 'PATCH',
    change: (current: GroupRecord, members: MemberRef[]) => Promise<GroupChange | undefined>,
  ): Promise<GroupWriteResult> {
    const result = await writeWithRetry(this.deps, key(id), ifMatch, async () => {
      const current = await this.require(id);
      checkIfMatch(current.version, ifMatch);
      const currentMembers = await this.membersOf(id, false);
      const next = await change(current, currentMembers);
      if (next === undefined) return { group: current, members: currentMembers, outbox: undefined };
      const members = await this.resolveMembers(next.members, id, currentMembers);
      const sameMembers = isDeepStrictEqual(ids(members), ids(currentMembers));
      if (sameMembers && isDeepStrictEqual(next.attributes, current.attributes)) {
        return { group: current, members: currentMembers, outbox: undefined };
      }
      const timestamp = this.now().toISOString();
      const group = toRecord(id, next.attributes, current.version + 1, current.created, timestamp);
      const outbox = await this.outbox('updated', group, current, currentMembers, members, context, timestamp);
      await this.deps.store.putGroup(group, current, outbox);
      return { group, members, outbox };
    });
    if (result.outbox) await deliverOutbox(this.deps.relay, this.deps.logger, key(id), result.outbox, this.now);
    const { version } = result.group;
    if (!wantsAttribute(projection, 'members')) {
      return { resource: projectAttributes('Group', representGroup(result.group, context.baseUrl), projection), version };
    }
    const asked = projection.attributes?.some((name) => name.toLowerCase() === 'members') ?? false;
    if (method === 'PATCH' && !asked && result.members.length > PATCH_RESPONSE_MEMBERS) {
      return { resource: {}, version, noContent: true };
    }
    const members = await this.withDisplay(result.members);
    return { resource: projectAttributes('Group', representGroup(result.group, context.baseUrl, members), projection), version };
  }

  /** The outbox for a group write (lib/directory/groupOutbox.ts), with the request as its source. */
  private outbox(
    change: 'created' | 'updated' | 'deleted',
    group: GroupRecord,
    before: GroupRecord | null,
    previous: readonly MemberRef[],
    next: readonly MemberRef[],
    context: ScimContext,
    timestamp: string,
  ): Promise<Outbox> {
    const source: EventSource = {
      channel: context.channel ?? 'scim',
      actor: context.actor,
      ...(context.requestId ? { requestId: context.requestId } : {}),
      ...(context.operation ? { operation: context.operation } : {}),
    };
    return groupOutbox(this.deps.store, { change, group, before, previous, next, source, timestamp });
  }

  /**
   * Members must exist (as users or groups) and a group cannot contain itself. Members the group
   * has already are known to exist (a member's delete removes its rows), so only the others are
   * read: a PATCH adding 1,000 members to a group of 50,000 reads 1,000 resources, not 51,000.
   */
  private async resolveMembers(
    members: readonly { value: string; type?: string }[],
    groupId: string | undefined,
    current: readonly MemberRef[] = [],
  ): Promise<MemberRef[]> {
    if (members.length === 0) return [];
    const known = new Map(current.map((m) => [m.value, m] as const));
    const values = [...new Set(members.map((m) => m.value))];
    if (groupId !== undefined && values.includes(groupId)) throw scimError(400, 'invalidValue', 'A group cannot be a member of itself');
    const unknown = values.filter((value) => !known.has(value));
    const users = unknown.length ? await this.deps.store.getUsers(unknown) : [];
    const userIds = new Set(users.map((u) => u.id));
    const rest = unknown.filter((value) => !userIds.has(value));
    const groups = rest.length ? await this.deps.store.getGroups(rest) : [];
    const groupIds = new Set(groups.map((g) => g.id));
    const missing = rest.filter((value) => !groupIds.has(value));
    if (missing.length > 0) {
      throw scimError(400, 'invalidValue', `Members not found: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`);
    }
    const display = new Map<string, string | undefined>([
      ...users.map((u) => [u.id, typeof u.attributes.displayName === 'string' ? u.attributes.displayName : u.userName] as const),
      ...groups.map((g) => [g.id, g.displayName] as const),
    ]);
    return values
      .map((value) => known.get(value) ?? { value, type: userIds.has(value) ? ('User' as const) : ('Group' as const), display: display.get(value) })
      .sort((a, b) => a.value.localeCompare(b.value));
  }

  private async membersOf(groupId: string, withDisplay: boolean): Promise<MemberRef[]> {
    const rows = await this.deps.store.membersOf(groupId);
    const members = rows.map((row) => ({ value: row.memberId, type: row.memberType })).sort((a, b) => a.value.localeCompare(b.value));
    return withDisplay ? this.withDisplay(members) : members;
  }

  private async withDisplay(members: readonly MemberRef[]): Promise<MemberRef[]> {
    if (members.length === 0 || members.every((m) => m.display !== undefined)) return [...members];
    const users = await this.deps.store.getUsers(members.filter((m) => m.type === 'User').map((m) => m.value));
    const groups = await this.deps.store.getGroups(members.filter((m) => m.type === 'Group').map((m) => m.value));
    const display = new Map<string, string>([
      ...users.map((u) => [u.id, typeof u.attributes.displayName === 'string' ? u.attributes.displayName : u.userName] as const),
      ...groups.map((g) => [g.id, g.displayName] as const),
    ]);
    return members.map((m) => ({ ...m, ...(display.has(m.value) ? { display: display.get(m.value) } : {}) }));
  }

  private async require(id: string): Promise<GroupRecord> {
    const group = await this.deps.store.getGroup(id);
    if (!group) throw scimError(404, null, `Group ${id} not found`);
    return group;
  }
}

const key = (id: string): ResourceKey => ({ type: 'Group', id });
const ids = (members: readonly MemberRef[]): string[] => members.map((m) => m.value).sort();

function toRecord(id: string, attributes: Json, version: number, created: string, lastModified: string): GroupRecord {
  return {
    id,
    displayName: String(attributes.displayName),
    ...(typeof attributes.externalId === 'string' ? { externalId: attributes.externalId } : {}),
    version,
    created,
    lastModified,
    attributes,
  };
}
