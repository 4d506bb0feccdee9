import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import SCIMMY from 'scimmy';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import { HttpError } from '../../lib/http/HttpError.js';
import { readJsonBody } from '../../lib/http/readJsonBody.js';
import { matchesIfNoneMatch } from '../../lib/scim/checkIfMatch.js';
import { type ListParameters, parseListQuery } from '../../lib/scim/parseListQuery.js';
import { parseProjection } from '../../lib/scim/projectAttributes.js';
import { etagOf } from '../../lib/scim/represent.js';
import type { ScimContext } from '../../lib/scim/ScimContext.js';
import type { ScimGroups } from '../../lib/scim/ScimGroups.js';
import type { ScimUsers } from '../../lib/scim/ScimUsers.js';
import { scimError } from '../../lib/scim/scimError.js';
import { BASE_URL_PLACEHOLDER, configureScimmy, type ScimResourceType } from '../../lib/scim/scimSchemas.js';
import { scimResponse } from './scimResponse.js';

export interface ScimServices {
  readonly users: ScimUsers;
  readonly groups: ScimGroups;
}

type Result = APIGatewayProxyStructuredResultV2;

const SCIM_ROOT = '/scim/v2';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** Maps a SCIM request (path below /scim/v2, method) to the service call and renders the result. */
export async function routeScimRequest(event: APIGatewayProxyEventV2, context: ApiContext, services: ScimServices): Promise<Result> {
  configureScimmy();
  const method = event.requestContext.http.method.toUpperCase();
  const rootAt = event.rawPath.indexOf(SCIM_ROOT);
  if (rootAt < 0) throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);
  const relative = event.rawPath.slice(rootAt + SCIM_ROOT.length);
  const segments = relative.split('/').filter(Boolean).map(decodeSegment);
  const headers = event.headers ?? {};
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const baseUrl = `${proto}://${headers.host ?? 'localhost'}${event.rawPath.slice(0, rootAt)}${SCIM_ROOT}`;
  const query = new URLSearchParams(event.rawQueryString ?? '');
  const scim: ScimContext = {
    baseUrl,
    actor: context.caller?.label ?? 'anonymous',
    requestId: event.requestContext.requestId,
    operation: `${method} ${SCIM_ROOT}${relative}`,
  };
  const [collection, id, extra] = segments;
  if (extra !== undefined) throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);

  switch (collection) {
    case 'ServiceProviderConfig':
    case 'ResourceTypes':
    case 'Schemas':
      allow(method, ['GET']);
      return discovery(collection, id, query, baseUrl);
    case 'Users':
    case 'Groups': {
      const type: ScimResourceType = collection === 'Users' ? 'User' : 'Group';
      const service = type === 'User' ? services.users : services.groups;
      if (id === '.search') {
        allow(method, ['POST']);
        return scimResponse(200, await service.list(parseListQuery(type, searchParameters(readJsonBody(event))), scim));
      }
      if (id === undefined) {
        allow(method, ['GET', 'POST']);
        if (method === 'GET') return scimResponse(200, await service.list(parseListQuery(type, listParameters(query)), scim));
        const created = await service.create(readJsonBody(event), scim);
        return scimResponse(201, created.resource, {
          location: String((created.resource.meta as { location: string }).location),
          etag: etagOf(created.version),
        });
      }
      allow(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
      const ifMatch = headers['if-match'];
      switch (method) {
        case 'GET': {
          const projection = parseProjection(type, param(query, 'attributes'), param(query, 'excludedAttributes'));
          const found = await service.get(id, projection, scim);
          if (matchesIfNoneMatch(found.version, headers['if-none-match'])) return scimResponse(304, undefined, { etag: etagOf(found.version) });
          return scimResponse(200, found.resource, { etag: etagOf(found.version) });
        }
        case 'PUT': {
          const replaced = await service.replace(id, readJsonBody(event), ifMatch, scim);
          return scimResponse(200, replaced.resource, { etag: etagOf(replaced.version) });
        }
        case 'PATCH': {
          const patched = await service.patch(id, readJsonBody(event), ifMatch, scim);
          return scimResponse(200, patched.resource, { etag: etagOf(patched.version) });
        }
        default:
          await service.delete(id, ifMatch, scim);
          return scimResponse(204);
      }
    }
    case 'Bulk':
    case 'Me':
      throw scimError(501, null, `/${collection} is not supported by this service provider`);
    default:
      throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);
  }
}

async function discovery(collection: string, id: string | undefined, query: URLSearchParams, baseUrl: string): Promise<Result> {
  const resource =
    collection === 'ServiceProviderConfig'
      ? SCIMMY.Resources.ServiceProviderConfig
      : collection === 'ResourceTypes'
        ? SCIMMY.Resources.ResourceType
        : SCIMMY.Resources.Schema;
  if (collection === 'ServiceProviderConfig' && id !== undefined) throw scimError(404, null, 'No such endpoint');
  const filter = param(query, 'filter');
  const config = filter === undefined ? {} : { filter };
  const instance = id === undefined ? new resource(config as never) : new resource(id, config as never);
  const body = await instance.read();
  // scimmy renders locations against a fixed placeholder; swap in this request's base URL.
  const text = JSON.stringify(body).split(BASE_URL_PLACEHOLDER).join(baseUrl);
  const rendered = JSON.parse(text) as Record<string, unknown>;
  // scimmy reports its page size (20) as itemsPerPage; RFC 7644 §3.4.2 means the resources returned.
  if (Array.isArray(rendered.Resources)) rendered.itemsPerPage = rendered.Resources.length;
  return scimResponse(200, rendered);
}

function allow(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) {
    throw new HttpError(405, `Method ${method} is not allowed here`, { allow: allowed.join(', ') });
  }
}

function param(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null ? undefined : value;
}

function listParameters(query: URLSearchParams): ListParameters {
  const names = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes'] as const;
  const params: Record<string, string> = {};
  for (const name of names) {
    const value = param(query, name);
    if (value !== undefined) params[name] = value;
  }
  return params;
}

/** POST /.search carries the same parameters in a SearchRequest body (RFC 7644 §3.4.3). */
function searchParameters(body: unknown): ListParameters {
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

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw scimError(400, 'invalidSyntax', 'Malformed percent-encoding in the request path');
  }
}
