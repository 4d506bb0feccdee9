import type { z } from 'zod';
import type { ConnectorContext } from '../../lib/connector-sdk/ConnectorContext.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { type JsonRequest, type JsonResponse, requestJson } from '../../lib/connector-sdk/requestJson.js';
import { type ScimGroup, scimGroupSchema } from './scimGroupSchema.js';
import type { ScimPatchOperation } from './ScimPatchOperation.js';
import { SCIM_URNS } from './scimUrns.js';
import { type ScimUser, scimUserSchema } from './scimUserSchema.js';
import { type ScimUserList, scimUserListSchema } from './scimUserListSchema.js';

/** RFC 7644 §8.1. */
const SCIM_MEDIA_TYPE = 'application/scim+json';

export interface ScimClientOptions {
  /** The SCIM base URL without a trailing slash. */
  readonly baseUrl: string;
  /** Names calls in error messages, e.g. "scim" gives "scim POST /Users: HTTP 500". */
  readonly operationPrefix: string;
  /**
   * Media type of request bodies. RFC 7644 §3.1 asks for application/scim+json; some vendors
   * document (and only test) application/json.
   */
  readonly contentType: string;
}

export type CreateUserOutcome =
  | { readonly created: true; readonly user: ScimUser }
  /** 409: a unique attribute (userName, often the email too) is taken; RFC 7644 §3.3. */
  | { readonly created: false };

/**
 * The SCIM 2.0 protocol calls the connectors need, over requestJson (bearer auth, timeouts and the
 * error contract). Answers that are outcomes rather than failures (404 on a lookup or a delete, 409
 * on a create) come back as values; every other failure is a ConnectorError.
 */
export class ScimClient {
  public constructor(
    private readonly context: ConnectorContext,
    private readonly options: ScimClientOptions,
  ) {}

  /** Users matching a filter such as `userName eq "bjensen"` (RFC 7644 §3.4.2.2). */
  public async findUsers(filter: string): Promise<readonly ScimUser[]> {
    const query = new URLSearchParams({ filter });
    const response = await this.call({ method: 'GET', path: `/Users?${query.toString()}`, label: 'GET /Users?filter' });
    return this.parse(scimUserListSchema, response, 'GET /Users?filter').Resources ?? [];
  }

  public async listUsers(startIndex: number, count: number): Promise<ScimUserList> {
    const query = new URLSearchParams({ startIndex: String(startIndex), count: String(count) });
    const response = await this.call({ method: 'GET', path: `/Users?${query.toString()}`, label: 'GET /Users' });
    return this.parse(scimUserListSchema, response, 'GET /Users');
  }

  /** The user, or undefined when the app answers 404. */
  public async getUser(id: string): Promise<ScimUser | undefined> {
    const response = await this.call({ method: 'GET', path: `/Users/${encodeURIComponent(id)}`, label: 'GET /Users/{id}', accept: [404] });
    return response.status === 404 ? undefined : this.parse(scimUserSchema, response, 'GET /Users/{id}');
  }

  public async createUser(user: Record<string, unknown>): Promise<CreateUserOutcome> {
    const response = await this.call({ method: 'POST', path: '/Users', label: 'POST /Users', body: user, accept: [409] });
    if (response.status === 409) return { created: false };
    return { created: true, user: this.parse(scimUserSchema, response, 'POST /Users') };
  }

  /** The patched user when the app returns it (200), undefined when it answers 204 No Content. */
  public async patchUser(id: string, operations: readonly ScimPatchOperation[]): Promise<ScimUser | undefined> {
    const response = await this.call({
      method: 'PATCH',
      path: `/Users/${encodeURIComponent(id)}`,
      label: 'PATCH /Users/{id}',
      body: { schemas: [SCIM_URNS.patchOp], Operations: operations },
    });
    return response.body === undefined ? undefined : this.parse(scimUserSchema, response, 'PATCH /Users/{id}');
  }

  public async replaceUser(id: string, user: Record<string, unknown>): Promise<ScimUser | undefined> {
    const response = await this.call({ method: 'PUT', path: `/Users/${encodeURIComponent(id)}`, label: 'PUT /Users/{id}', body: user });
    return response.body === undefined ? undefined : this.parse(scimUserSchema, response, 'PUT /Users/{id}');
  }

  /** True when the app deleted the user, false when it answered 404 (already gone). */
  public async deleteUser(id: string): Promise<boolean> {
    const response = await this.call({ method: 'DELETE', path: `/Users/${encodeURIComponent(id)}`, label: 'DELETE /Users/{id}', accept: [404] });
    return response.status !== 404;
  }

  /** The group, or undefined when the app answers 404. */
  public async getGroup(id: string): Promise<ScimGroup | undefined> {
    const response = await this.call({ method: 'GET', path: `/Groups/${encodeURIComponent(id)}`, label: 'GET /Groups/{id}', accept: [404] });
    return response.status === 404 ? undefined : this.parse(scimGroupSchema, response, 'GET /Groups/{id}');
  }

  public async patchGroup(id: string, operations: readonly ScimPatchOperation[]): Promise<void> {
    await this.call({
      method: 'PATCH',
      path: `/Groups/${encodeURIComponent(id)}`,
      label: 'PATCH /Groups/{id}',
      body: { schemas: [SCIM_URNS.patchOp], Operations: operations },
    });
  }

  private call(request: {
    method: JsonRequest['method'];
    path: string;
    label: string;
    body?: unknown;
    accept?: readonly number[];
  }): Promise<JsonResponse> {
    return requestJson(this.context, {
      method: request.method,
      url: `${this.options.baseUrl}${request.path}`,
      // A label, not the path, names the call: a filter or an id in an error message may be
      // personal data, and the label says as much to an operator.
      operation: `${this.options.operationPrefix} ${request.label}`,
      headers: {
        accept: `${SCIM_MEDIA_TYPE}, application/json`,
        ...(request.body !== undefined ? { 'content-type': this.options.contentType } : {}),
      },
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.accept ? { accept: request.accept } : {}),
    });
  }

  private parse<S extends z.ZodType>(schema: S, response: JsonResponse, label: string): z.infer<S> {
    const result = schema.safeParse(response.body);
    if (!result.success) {
      // A 2xx that is not the resource asked for (an HTML error page, a proxy's JSON) is the
      // vendor having a moment, as malformed JSON is.
      throw new ConnectorError('unavailable', `${this.options.operationPrefix} ${label}: unexpected response body (HTTP ${response.status})`, {
        status: response.status,
      });
    }
    return result.data;
  }
}

