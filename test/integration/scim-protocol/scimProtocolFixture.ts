import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import { type ScimReply, startTestPerimeter, type TestPerimeter } from '../../support/startTestPerimeter.js';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

// biome-ignore lint: SCIM JSON as the server returns it; each test asserts the shape it relies on.
export type Json = any;

/** A reply read with node:http: the headers as node gives them. */
export interface RawScimReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Json;
}

/** What the SCIM protocol files share: their perimeter and the helpers their tests call. */
export interface ScimProtocolPerimeter {
  /** The file's perimeter, for tests and hooks (it is started in the file's beforeAll). */
  readonly perimeter: TestPerimeter;
  /** POSTs a user (core schema added) and expects 201. */
  createUser(attributes: Json): Promise<Json>;
  /** POSTs a group (core schema added) and expects 201. */
  createGroup(attributes: Json): Promise<Json>;
  patch(path: string, operations: Json[], headers?: Record<string, string>): Promise<ScimReply>;
  list(collection: 'Users' | 'Groups', params: Record<string, string>): Promise<ScimReply>;
  /** Expects an RFC 7644 §3.12 error: the status, the SCIM content type, the scimType and a detail. */
  expectScimError(reply: ScimReply, status: number, scimType?: string): void;
  /** A request with headers of the test's choosing (a Host header fetch would not send). */
  rawRequest(path: string, headers: Record<string, string>, method?: string, body?: string): Promise<RawScimReply>;
}

/**
 * Starts one perimeter for the calling test file (in beforeAll, stopped in afterAll of the
 * describe that calls this) and returns it with the SCIM helpers. The perimeter is returned at
 * once, before beforeAll ran, as a stand-in that reaches the started one when used.
 */
export function useScimPerimeter(): ScimProtocolPerimeter {
  let started: TestPerimeter | undefined;
  beforeAll(async () => {
    started = await startTestPerimeter();
  });
  afterAll(async () => {
    await started?.stop();
  });
  const perimeter = new Proxy({} as TestPerimeter, {
    get: (_target, key) => {
      if (!started) throw new Error('the perimeter starts in beforeAll: use it inside a test or a hook');
      return Reflect.get(started, key) as unknown;
    },
  });

  const createUser = async (attributes: Json): Promise<Json> => {
    const reply = await perimeter.scim('/Users', { method: 'POST', body: { schemas: [USER], ...attributes } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  };
  const createGroup = async (attributes: Json): Promise<Json> => {
    const reply = await perimeter.scim('/Groups', { method: 'POST', body: { schemas: [GROUP], ...attributes } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  };
  const patch = (path: string, operations: Json[], headers: Record<string, string> = {}): Promise<ScimReply> =>
    perimeter.scim(path, { method: 'PATCH', headers, body: { schemas: [PATCH_OP], Operations: operations } });
  const list = (collection: 'Users' | 'Groups', params: Record<string, string>): Promise<ScimReply> =>
    perimeter.scim(`/${collection}?${new URLSearchParams(params).toString()}`);
  const expectScimError = (reply: ScimReply, status: number, scimType?: string): void => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toEqual({
      schemas: [ERROR],
      status: String(status),
      ...(scimType ? { scimType } : {}),
      detail: expect.any(String),
    });
    expect(reply.body.detail.length).toBeGreaterThan(0);
  };
  /** node:http rather than fetch, which will not send a Host header of our choosing. */
  const rawRequest = (
    path: string,
    headers: Record<string, string>,
    method = 'GET',
    body?: string,
  ): Promise<RawScimReply> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: perimeter.port, path: `/scim/v2${path}`, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      req.end(body);
    });

  return { perimeter, createUser, createGroup, patch, list, expectScimError, rawRequest };
}
