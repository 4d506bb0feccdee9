import { DirectoryError } from '../domain/DirectoryError.js';
import type { GroupRecord, ResourceKey } from '../domain/DirectoryRecords.js';
import { type GroupChange, GroupDirectory, type GroupState } from '../directory/GroupDirectory.js';
import { applyPatch } from './applyPatch.js';
import { asScimRefusals } from './asScimRefusals.js';
import { checkIfMatch } from './checkIfMatch.js';
import { eventSourceOf } from './eventSourceOf.js';
import { isPinned } from './isPinned.js';
import { memberPatch } from './memberPatch.js';
import { type ListResponse, listResources } from './listResources.js';
import type { ListQuery } from './parseListQuery.js';
import { type Projection, projectAttributes, wantsAttribute } from './projectAttributes.js';
import { representGroup } from './represent.js';
import type { ScimContext } from './ScimContext.js';
import type { ScimResult, ScimServiceDependencies } from './ScimUsers.js';
import { scimError } from './scimError.js';
import { validateResource } from './validateResource.js';

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

/**
 * SCIM /Groups: an ingress adapter over the protocol-neutral GroupDirectory (lib/directory), which
 * writes groups, projects membership rows from each write's outbox and records every membership
 * added or removed as a mover event on the member's own ledger chain. This adapter validates,
 * applies PATCH operations, maps refusals onto SCIM errors and represents the result.
 */
export class ScimGroups {
  private readonly groups: GroupDirectory;

  public constructor(private readonly deps: ScimServiceDependencies) {
    this.groups = new GroupDirectory(deps);
  }

  public async create(body: unknown, context: ScimContext): Promise<ScimResult> {
    const { attributes, members = [] } = validateResource('Group', body);
    const created = await refusals({ type: 'Group', id: 'new' }, () => this.groups.create(attributes, members, eventSourceOf(context)));
    return { resource: representGroup(created.group, context.baseUrl, created.members), version: created.group.version };
  }

  public async get(id: string, projection: Projection, context: ScimContext): Promise<ScimResult> {
    const group = await this.require(id);
    const members = wantsAttribute(projection, 'members') ? await this.groups.membersOf(id, true) : undefined;
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
          groups.map(async (group) => representGroup(group, context.baseUrl, withDerived ? await this.groups.membersOf(group.id, true) : undefined)),
        ),
      derivedAttribute: 'members',
    });
  }

  /** `projection` is the request's `attributes`/`excludedAttributes`, applied to the answer (RFC 7644 §3.9). */
  public async replace(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext, projection: Projection = {}): Promise<GroupWriteResult> {
    const { attributes, members = [] } = validateResource('Group', body);
    return this.update(id, ifMatch, context, projection, 'PUT', async () => ({ attributes, members }));
  }

  /**
   * Membership PATCHes as IdPs send them (memberPatch) change the member set directly; every other
   * PATCH goes through the PatchOp engine over the group's representation, so a group of 50,000
   * takes a member batch in the time its delivery needs, not a minute of filter evaluation.
   */
  public async patch(id: string, body: unknown, ifMatch: string | undefined, context: ScimContext, projection: Projection = {}): Promise<GroupWriteResult> {
    const membership = memberPatch(body);
    if (membership) {
      return this.update(id, ifMatch, context, projection, 'PATCH', async (current, members) => ({ attributes: current.attributes, members: membership.apply(members) }));
    }
    // A PATCH that cannot be about members (a rename) runs without them: the engine's cost grows
    // with every member it is handed. Any mention of "members" anywhere counts, to stay on the safe side.
    const aboutMembers = JSON.stringify(body ?? null).toLowerCase().includes('members');
    return this.update(id, ifMatch, context, projection, 'PATCH', async (current, members) => {
      const patched = await applyPatch('Group', representGroup(current, context.baseUrl, aboutMembers ? members : undefined), body);
      if (patched === undefined) return undefined;
      const { attributes, members: next = [] } = validateResource('Group', patched);
      return { attributes, members: aboutMembers ? next : members };
    });
  }

  public async delete(id: string, ifMatch: string | undefined, context: ScimContext): Promise<void> {
    await refusals({ type: 'Group', id }, () =>
      this.groups.delete(id, eventSourceOf(context), { precondition: (version) => checkIfMatch(version, ifMatch), pinned: isPinned(ifMatch) }),
    );
  }

  private async update(id: string, ifMatch: string | undefined, context: ScimContext, projection: Projection, method: 'PUT' | 'PATCH', change: GroupChange): Promise<GroupWriteResult> {
    const state: GroupState = await refusals({ type: 'Group', id }, () =>
      this.groups.update(id, eventSourceOf(context), change, { precondition: (version) => checkIfMatch(version, ifMatch), pinned: isPinned(ifMatch) }),
    );
    const { version } = state.group;
    if (!wantsAttribute(projection, 'members')) {
      return { resource: projectAttributes('Group', representGroup(state.group, context.baseUrl), projection), version };
    }
    const asked = projection.attributes?.some((name) => name.toLowerCase() === 'members') ?? false;
    if (method === 'PATCH' && !asked && state.members.length > PATCH_RESPONSE_MEMBERS) return { resource: {}, version, noContent: true };
    const members = await this.groups.withDisplay(state.members);
    return { resource: projectAttributes('Group', representGroup(state.group, context.baseUrl, members), projection), version };
  }

  private async require(id: string): Promise<GroupRecord> {
    const group = await this.deps.store.getGroup(id);
    if (!group) throw scimError(404, null, `Group ${id} not found`);
    return group;
  }
}

/** The directory's refusals as SCIM errors: members that cannot be there are 400 invalidValue. */
async function refusals<T>(key: ResourceKey, write: () => Promise<T>): Promise<T> {
  try {
    return await asScimRefusals(key, write);
  } catch (error) {
    if (error instanceof DirectoryError && error.code === 'invalidReference') throw scimError(400, 'invalidValue', error.message);
    throw error;
  }
}
