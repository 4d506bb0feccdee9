import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import SCIMMY from 'scimmy';
import { scimError } from '../../lib/scim/scimError.js';
import { BASE_URL_PLACEHOLDER } from '../../lib/scim/scimSchemas.js';
import { scimResponse } from './scimResponse.js';

/** GET /ServiceProviderConfig, /ResourceTypes[/id] and /Schemas[/id] (RFC 7644 §4), rendered by scimmy. */
export async function scimDiscovery(collection: string, id: string | undefined, query: URLSearchParams, baseUrl: string): Promise<APIGatewayProxyStructuredResultV2> {
  const resource =
    collection === 'ServiceProviderConfig'
      ? SCIMMY.Resources.ServiceProviderConfig
      : collection === 'ResourceTypes'
        ? SCIMMY.Resources.ResourceType
        : SCIMMY.Resources.Schema;
  if (collection === 'ServiceProviderConfig' && id !== undefined) throw scimError(404, null, 'No such endpoint');
  const filter = query.get('filter') ?? undefined;
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
