import type { ListParameters } from '../../lib/scim/parseListQuery.js';
import { scimError } from '../../lib/scim/scimError.js';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const NAMES = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes'] as const;

/** A list's parameters from the query string (RFC 7644 §3.4.2). */
export function scimListParameters(query: URLSearchParams): ListParameters {
  const params: Record<string, string> = {};
  for (const name of NAMES) {
    const value = query.get(name);
    if (value !== null) params[name] = value;
  }
  return params;
}

/** POST /.search carries the same parameters in a SearchRequest body (RFC 7644 §3.4.3). */
export function scimSearchParameters(body: unknown): ListParameters {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw scimError(400, 'invalidSyntax', 'SearchRequest must be an object');
  const request = body as Record<string, unknown>;
  if (Array.isArray(request.schemas) && !request.schemas.includes(SEARCH_REQUEST)) {
    throw scimError(400, 'invalidSyntax', `SearchRequest must declare schema ${SEARCH_REQUEST}`);
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(request)) {
    if (name === 'schemas' || value === undefined || value === null) continue;
    if (name === 'attributes' || name === 'excludedAttributes') {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw scimError(400, 'invalidValue', `${name} must be a list of strings`);
      params[name] = value.join(',');
    } else if (['filter', 'sortBy', 'sortOrder'].includes(name) && typeof value === 'string') {
      params[name] = value;
    } else if (['startIndex', 'count'].includes(name) && typeof value === 'number') {
      params[name] = String(value);
    } else {
      throw scimError(400, 'invalidValue', `SearchRequest attribute '${name}' is not supported or has the wrong type`);
    }
  }
  return params;
}
