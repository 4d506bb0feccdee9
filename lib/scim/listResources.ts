import type { Filter } from 'scim2-parse-filter';
import type { Json } from './attributePath.js';
import { matchesFilter } from './matchesFilter.js';
import type { ListQuery } from './parseListQuery.js';
import { projectAttributes, wantsAttribute } from './projectAttributes.js';
import { LIST_RESPONSE_SCHEMA, type ScimResourceType } from './scimSchemas.js';
import { sortResources } from './sortResources.js';

export interface ListResponse {
  readonly schemas: readonly string[];
  readonly totalResults: number;
  readonly startIndex: number;
  readonly itemsPerPage: number;
  readonly Resources: readonly Json[];
}

/** An equality on an attribute the store can look up directly instead of listing everything. */
export interface IndexedLookup {
  readonly attribute: 'id' | 'userName' | 'externalId';
  readonly value: string;
}

export interface ListOptions<R extends { id: string }> {
  readonly type: ScimResourceType;
  readonly query: ListQuery;
  /** Records that may match: all of them, or just those an indexed equality finds. */
  readonly candidates: (lookup: IndexedLookup | undefined) => Promise<R[]>;
  /** SCIM representations; `withDerived` adds the attribute that costs extra reads (groups, members). */
  readonly represent: (records: R[], withDerived: boolean) => Promise<Json[]>;
  readonly derivedAttribute: 'groups' | 'members';
}

/**
 * GET /Users and /Groups: narrow by an index when the filter allows, filter, sort, page, project.
 * The expensive derived attribute is only read for the page returned, unless the filter or sort
 * needs it for every candidate.
 */
export async function listResources<R extends { id: string }>(options: ListOptions<R>): Promise<ListResponse> {
  const { type, query, derivedAttribute } = options;
  const records = await options.candidates(query.filter ? indexedLookup(query.filter, type) : undefined);
  const derivedForAll =
    (query.filter !== undefined && references(query.filter, derivedAttribute)) ||
    (query.sortBy !== undefined && query.sortBy.toLowerCase().startsWith(derivedAttribute.toLowerCase()));
  let resources = await options.represent(records, derivedForAll);
  if (query.filter) {
    const filter = query.filter;
    resources = resources.filter((resource) => matchesFilter(type, resource, filter));
  }
  if (query.sortBy) resources = sortResources(type, resources, query.sortBy, query.descending);
  const page = resources.slice(query.startIndex - 1, query.startIndex - 1 + query.count);
  let pageResources = page;
  if (!derivedForAll && wantsAttribute(query.projection, derivedAttribute) && page.length > 0) {
    const byId = new Map(records.map((record) => [record.id, record]));
    const pageRecords = page.map((resource) => byId.get(String(resource.id))).filter((r): r is R => r !== undefined);
    pageResources = await options.represent(pageRecords, true);
  }
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: resources.length,
    startIndex: query.startIndex,
    itemsPerPage: pageResources.length,
    Resources: pageResources.map((resource) => projectAttributes(type, resource, query.projection)),
  };
}

function indexedLookup(filter: Filter, type: ScimResourceType): IndexedLookup | undefined {
  if (filter.op === 'and') {
    for (const child of filter.filters) {
      const lookup = indexedLookup(child, type);
      if (lookup) return lookup;
    }
    return undefined;
  }
  if (filter.op !== 'eq' || typeof filter.compValue !== 'string') return undefined;
  const attribute = filter.attrPath.toLowerCase();
  if (attribute === 'id') return { attribute: 'id', value: filter.compValue };
  if (attribute === 'externalid') return { attribute: 'externalId', value: filter.compValue };
  if (attribute === 'username' && type === 'User') return { attribute: 'userName', value: filter.compValue };
  return undefined;
}

function references(filter: Filter, attribute: string): boolean {
  const name = attribute.toLowerCase();
  switch (filter.op) {
    case 'and':
    case 'or':
      return filter.filters.some((child) => references(child, attribute));
    case 'not':
      return references(filter.filter, attribute);
    default:
      return filter.attrPath.toLowerCase().split('.')[0] === name;
  }
}
