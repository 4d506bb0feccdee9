import { resolveAttributePath } from './attributePath.js';
import { type Filter, parseFilter } from './parseFilter.js';
import { parseProjection, type Projection } from './projectAttributes.js';
import { scimError } from './scimError.js';
import { DEFAULT_COUNT, MAX_RESULTS, type ScimResourceType } from './scimSchemas.js';

export interface ListQuery {
  readonly filter?: Filter;
  readonly sortBy?: string;
  readonly descending: boolean;
  /** 1-based, as in RFC 7644 §3.4.2.4. */
  readonly startIndex: number;
  readonly count: number;
  readonly projection: Projection;
}

/** Query parameters of GET /Users, GET /Groups and the body of POST /.search, as strings. */
export interface ListParameters {
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: string;
  readonly startIndex?: string;
  readonly count?: string;
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

export function parseListQuery(type: ScimResourceType, params: ListParameters): ListQuery {
  const sortOrder = params.sortOrder?.toLowerCase();
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw scimError(400, 'invalidValue', "sortOrder must be 'ascending' or 'descending'");
  }
  if (params.sortBy !== undefined) {
    resolveAttributePath(type, params.sortBy, (detail) => scimError(400, 'invalidValue', `Invalid sortBy: ${detail}`));
  }
  return {
    ...(params.filter !== undefined ? { filter: parseFilter(type, params.filter) } : {}),
    ...(params.sortBy !== undefined ? { sortBy: params.sortBy } : {}),
    descending: sortOrder === 'descending',
    // RFC 7644: startIndex below 1 means 1; a negative count means 0.
    startIndex: Math.max(1, integer('startIndex', params.startIndex, 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, integer('count', params.count, DEFAULT_COUNT))),
    projection: parseProjection(type, params.attributes, params.excludedAttributes),
  };
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d{1,9}$/.test(value.trim())) throw scimError(400, 'invalidValue', `${name} must be an integer`);
  return Number(value.trim());
}
