import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiContext } from '../../lib/http/ApiContext.js';
import type { ScimContext } from '../../lib/scim/ScimContext.js';
import type { ScimGroups } from '../../lib/scim/ScimGroups.js';
import type { ScimUsers } from '../../lib/scim/ScimUsers.js';
import { scimError } from '../../lib/scim/scimError.js';
import { configureScimmy } from '../../lib/scim/scimSchemas.js';
import { allowMethods } from './allowMethods.js';
import { scimDiscovery } from './scimDiscovery.js';
import { serveScimResource } from './serveScimResource.js';

export interface ScimServices {
  readonly users: ScimUsers;
  readonly groups: ScimGroups;
}

const SCIM_ROOT = '/scim/v2';

/** Maps a SCIM request (path below /scim/v2, method) to the service call and renders the result. */
export async function routeScimRequest(event: APIGatewayProxyEventV2, context: ApiContext, services: ScimServices): Promise<APIGatewayProxyStructuredResultV2> {
  configureScimmy();
  const method = event.requestContext.http.method.toUpperCase();
  const rootAt = event.rawPath.indexOf(SCIM_ROOT);
  if (rootAt < 0) throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);
  const relative = event.rawPath.slice(rootAt + SCIM_ROOT.length);
  const [collection, id, extra] = relative.split('/').filter(Boolean).map(decodeSegment);
  const headers = event.headers ?? {};
  // Resource locations are absolute: this request's scheme, host and any stage prefix before the root.
  const baseUrl = `${headers['x-forwarded-proto'] ?? 'https'}://${headers.host ?? 'localhost'}${event.rawPath.slice(0, rootAt)}${SCIM_ROOT}`;
  const scim: ScimContext = { baseUrl, actor: context.caller?.label ?? 'anonymous', requestId: event.requestContext.requestId, operation: `${method} ${SCIM_ROOT}${relative}` };
  if (extra !== undefined) throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);

  switch (collection) {
    case 'ServiceProviderConfig':
    case 'ResourceTypes':
    case 'Schemas':
      allowMethods(method, ['GET']);
      return scimDiscovery(collection, id, new URLSearchParams(event.rawQueryString ?? ''), baseUrl);
    case 'Users':
      return serveScimResource(event, 'User', services.users, id, scim);
    case 'Groups':
      return serveScimResource(event, 'Group', services.groups, id, scim);
    case 'Bulk':
    case 'Me':
      throw scimError(501, null, `/${collection} is not supported by this service provider`);
    default:
      throw scimError(404, null, `No SCIM endpoint at ${event.rawPath}`);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw scimError(400, 'invalidSyntax', 'Malformed percent-encoding in the request path');
  }
}
