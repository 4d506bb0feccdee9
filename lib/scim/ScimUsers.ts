import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import type { PeopleDirectory, PersonChange, WriteOrigin } from '../directory/PeopleDirectory.js';
import type { Logger } from '../observability/Logger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { applyPatch } from './applyPatch.js';
import { asScimRefusals } from './asScimRefusals.js';
import { checkIfMatch } from './checkIfMatch.js';
import { eventSourceOf } from './eventSourceOf.js';
import { isPinned } from './isPinned.js';
import { type ListResponse, listResources } from './listResources.js';
import type { ListQuery } from './parseListQuery.js';
import { type Projection, projectAttributes, wantsAttribute } from './projectAttributes.js';
import { representUser } from './represent.js';
import type { ScimContext } from './ScimContext.js';
import { validateResource } from './validateResource.js';

type Json = Record<string, unknown>;

export interface ScimServiceDependencies {
  readonly store: DirectoryStore;
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface ScimUsersDependencies {
  readonly store: DirectoryStore;
  readonly people: PeopleDirectory;
}

export interface ScimResult {
  readonly resource: Json;
  readonly version: number;
}

/**
 * SCIM /Users, an ingress adapter over the people directory: validates and represents SCIM
 * resources; writes go through PeopleDirectory, which records the change's lifecycle events with it.
 */
export class ScimUsers {
  public constructor(private readonly deps: ScimUsersDependencies) {}

  public async create(body: unknown, context: ScimContext): Promise<ScimResult> {
    const { attributes } = validateResource('User', body);
    const user = await asScimRefusals({ type: 'User', id: 'new' }, () => this.deps.people.create(attributes, originOf(context)));
    return { resource: representUser(user, context.baseUrl, []), version: user.version };
  }

  public async get(id: string, projection: Projection, context: ScimContext): Promise<ScimResult> {
    const user = await this.require(id);
    const groups = wantsAttribute(projection, 'groups') ? await this.deps.people.groupsOf(id) : undefined;
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
        return Promise.all(users.map(async (user) => representUser(user, context.baseUrl, await this.deps.people.groupsOf(user.id))));
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
    await asScimRefusals({ type: 'User', id }, () =>
      this.deps.people.delete(id, originOf(context), { precondition: (version) => checkIfMatch(version, ifMatch), pinned: isPinned(ifMatch) }),
    );
  }

  /** Shared by PUT and PATCH: the new attributes, computed from the user as the write finds them. */
  private async update(
    id: string,
    ifMatch: string | undefined,
    context: ScimContext,
    change: PersonChange,
  ): Promise<ScimResult> {
    const write = await asScimRefusals({ type: 'User', id }, () =>
      this.deps.people.update(id, originOf(context), change, { precondition: (version) => checkIfMatch(version, ifMatch), pinned: isPinned(ifMatch) }),
    );
    return { resource: representUser(write.user, context.baseUrl, write.groups), version: write.user.version };
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

  private require(id: string): Promise<UserRecord> {
    return asScimRefusals({ type: 'User', id }, () => this.deps.people.get(id));
  }
}

/** A SCIM request as the people directory's writer: the IdP, named by its token's label. */
function originOf(context: ScimContext): WriteOrigin {
  return { source: 'idp', by: eventSourceOf(context) };
}
