import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readJsonBody } from '../../lib/http/readJsonBody.js';
import { matchesIfNoneMatch } from '../../lib/scim/checkIfMatch.js';
import { parseListQuery } from '../../lib/scim/parseListQuery.js';
import { parseProjection, type Projection } from '../../lib/scim/projectAttributes.js';
import { etagOf } from '../../lib/scim/represent.js';
import type { ScimContext } from '../../lib/scim/ScimContext.js';
import type { ScimGroups } from '../../lib/scim/ScimGroups.js';
import type { ScimResourceType } from '../../lib/scim/scimSchemas.js';
import type { ScimUsers } from '../../lib/scim/ScimUsers.js';
import { allowMethods } from './allowMethods.js';
import { scimListParameters, scimSearchParameters } from './scimListParameters.js';
import { scimResponse } from './scimResponse.js';

type Result = APIGatewayProxyStructuredResultV2;

const projectionOf = (type: ScimResourceType, query: URLSearchParams): Projection =>
  parseProjection(type, query.get('attributes') ?? undefined, query.get('excludedAttributes') ?? undefined);

/** /Users and /Groups: list and search, create, and read, replace, patch or delete one by id (RFC 7644 §3). */
export async function serveScimResource(
  event: APIGatewayProxyEventV2,
  type: ScimResourceType,
  service: ScimUsers | ScimGroups,
  id: string | undefined,
  scim: ScimContext,
): Promise<Result> {
  const method = event.requestContext.http.method.toUpperCase();
  const query = new URLSearchParams(event.rawQueryString ?? '');
  const headers = event.headers ?? {};
  if (id === '.search') {
    allowMethods(method, ['POST']);
    return scimResponse(200, await service.list(parseListQuery(type, scimSearchParameters(readJsonBody(event))), scim));
  }
  if (id === undefined) {
    allowMethods(method, ['GET', 'POST']);
    if (method === 'GET') return scimResponse(200, await service.list(parseListQuery(type, scimListParameters(query)), scim));
    const created = await service.create(readJsonBody(event), scim);
    return scimResponse(201, created.resource, { location: String((created.resource.meta as { location: string }).location), etag: etagOf(created.version) }, true);
  }
  allowMethods(method, ['GET', 'PUT', 'PATCH', 'DELETE']);
  const ifMatch = headers['if-match'];
  switch (method) {
    case 'GET': {
      const found = await service.get(id, projectionOf(type, query), scim);
      if (matchesIfNoneMatch(found.version, headers['if-none-match'])) return scimResponse(304, undefined, { etag: etagOf(found.version) });
      return scimResponse(200, found.resource, { etag: etagOf(found.version) });
    }
    case 'PUT': {
      const replaced = await service.replace(id, readJsonBody(event), ifMatch, scim, projectionOf(type, query));
      return scimResponse(200, replaced.resource, { etag: etagOf(replaced.version) }, true);
    }
    case 'PATCH': {
      const patched = await service.patch(id, readJsonBody(event), ifMatch, scim, projectionOf(type, query));
      // A large group's PATCH answers without its body (ScimGroups.PATCH_RESPONSE_MEMBERS).
      if ('noContent' in patched && patched.noContent) return scimResponse(204, undefined, { etag: etagOf(patched.version) });
      return scimResponse(200, patched.resource, { etag: etagOf(patched.version) }, true);
    }
    default:
      await service.delete(id, ifMatch, scim);
      return scimResponse(204);
  }
}
