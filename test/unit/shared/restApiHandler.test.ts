import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createConsoleHandler } from '../../../functions/console/createConsoleHandler.js';
import { createScimHandler } from '../../../functions/scim/createScimHandler.js';
import type { ScimServices } from '../../../functions/scim/routeScimRequest.js';
import { fromRestApiEvent } from '../../../functions/shared/fromRestApiEvent.js';
import { restApiHandler } from '../../../functions/shared/restApiHandler.js';
import { toRestApiResult } from '../../../functions/shared/toRestApiResult.js';
import { hashToken } from '../../../lib/auth/hashToken.js';
import { StaticTokenVerifier } from '../../../lib/auth/StaticTokenVerifier.js';
import { createJsonLogger } from '../../../lib/observability/createJsonLogger.js';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string[]>;
  readonly query?: Record<string, string[]>;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly resource?: string;
  readonly pathParameters?: Record<string, string> | null;
}

/**
 * A REST API proxy event as API Gateway sends it for a request to the execute-api URL: event.path
 * without the stage, requestContext.path with it, headers as the client spelled them, the last
 * value of each in `headers` and all of them in `multiValueHeaders`, query values decoded.
 */
function restEvent(path: string, options: RequestOptions = {}): APIGatewayProxyEvent {
  const method = options.method ?? 'GET';
  const headers = options.headers ?? { Host: [HOST], 'X-Forwarded-Proto': ['https'] };
  const query = options.query;
  return {
    resource: options.resource ?? '/{proxy+}',
    path,
    httpMethod: method,
    headers: Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.at(-1) as string])),
    multiValueHeaders: headers,
    queryStringParameters: query ? Object.fromEntries(Object.entries(query).map(([name, values]) => [name, values.at(-1) as string])) : null,
    multiValueQueryStringParameters: query ?? null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: undefined,
      domainName: HOST,
      domainPrefix: 'abc123',
      httpMethod: method,
      identity: { sourceIp: '198.51.100.7', userAgent: 'Okta SCIM Client 1.0.0' },
      path: `/api${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTime: '09/Apr/2026:12:34:56 +0000',
      requestTimeEpoch: 1_775_738_096_000,
      resourceId: 'abc',
      resourcePath: options.resource ?? '/{proxy+}',
      stage: 'api',
    },
    body: options.body === undefined ? null : options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  } as unknown as APIGatewayProxyEvent;
}

const context = { awsRequestId: 'local' } as Context;

describe('fromRestApiEvent', () => {
  it('keeps the path the client asked for, stage prefix included, as rawPath', () => {
    // Act
    const event = fromRestApiEvent(restEvent('/scim/v2/Users/2819c223', { resource: '/scim/v2/{proxy+}', pathParameters: { proxy: 'Users/2819c223' } }));

    // Assess
    expect(event.rawPath).toBe('/api/scim/v2/Users/2819c223');
    expect(event.requestContext.http.path).toBe('/api/scim/v2/Users/2819c223');
    expect(event.pathParameters).toEqual({ proxy: 'Users/2819c223' });
    expect(event.routeKey).toBe('GET /scim/v2/{proxy+}');
    expect(event.requestContext.stage).toBe('api');
  });

  it('keeps a custom domain’s base path, and a percent-encoded segment as sent', () => {
    // Arrange: a custom domain mapped at /identity; REST APIs leave the path encoded.
    const rest = restEvent('/identity/audit/people/a%2Fb');
    const custom = { ...rest, requestContext: { ...rest.requestContext, path: '/identity/audit/people/a%2Fb' } };

    // Act
    const event = fromRestApiEvent(custom);

    // Assess
    expect(event.rawPath).toBe('/identity/audit/people/a%2Fb');
  });

  it('falls back to event.path when the request context has no path (a test invocation)', () => {
    // Arrange
    const rest = restEvent('/console');
    const bare = { ...rest, requestContext: { ...rest.requestContext, path: undefined } } as unknown as APIGatewayProxyEvent;

    // Act & Assess
    expect(fromRestApiEvent(bare).rawPath).toBe('/console');
  });

  it('carries method, source IP, user agent, request id and time into requestContext', () => {
    // Act
    const { requestContext } = fromRestApiEvent(restEvent('/admin/plan', { method: 'POST' }));

    // Assess
    expect(requestContext).toMatchObject({
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: HOST,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      stage: 'api',
      time: '09/Apr/2026:12:34:56 +0000',
      timeEpoch: 1_775_738_096_000,
      http: { method: 'POST', protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'Okta SCIM Client 1.0.0' },
    });
  });

  it('rebuilds the query string with every value of a repeated name, re-encoding what REST APIs decoded', () => {
    // Arrange: the values as API Gateway hands them over, already decoded.
    const query = {
      filter: ['userName eq "bjensen@example.com"'],
      attributes: ['userName', 'name.givenName'],
      'odd key': ['a&b=c', '100% + more', 'ünïcödé/…'],
      empty: [''],
    };

    // Act
    const event = fromRestApiEvent(restEvent('/scim/v2/Users', { query }));
    const parsed = new URLSearchParams(event.rawQueryString);

    // Assess: what the handlers read (URLSearchParams) is what the client sent.
    expect(parsed.get('filter')).toBe('userName eq "bjensen@example.com"');
    expect(parsed.getAll('attributes')).toEqual(['userName', 'name.givenName']);
    expect(parsed.getAll('odd key')).toEqual(['a&b=c', '100% + more', 'ünïcödé/…']);
    expect(parsed.get('empty')).toBe('');
    expect([...parsed.keys()]).toHaveLength(7);
    // Encoded: no raw space or quote, and "&" only between the 7 pairs.
    expect(event.rawQueryString).not.toMatch(/[ "]/);
    expect(event.rawQueryString.split('&')).toHaveLength(7);
    // Payload 2.0 joins repeated values with commas.
    expect(event.queryStringParameters).toEqual({
      filter: 'userName eq "bjensen@example.com"',
      attributes: 'userName,name.givenName',
      'odd key': 'a&b=c,100% + more,ünïcödé/…',
      empty: '',
    });
  });

  it('reads queryStringParameters when multiValueQueryStringParameters is absent, and gives an empty query string for none', () => {
    // Arrange
    const single = { ...restEvent('/audit/events'), queryStringParameters: { from: '2026-01-01T00:00:00Z' }, multiValueQueryStringParameters: null };

    // Act
    const withQuery = fromRestApiEvent(single);
    const without = fromRestApiEvent(restEvent('/audit/events'));

    // Assess
    expect(new URLSearchParams(withQuery.rawQueryString).get('from')).toBe('2026-01-01T00:00:00Z');
    expect(without.rawQueryString).toBe('');
    expect(without.queryStringParameters).toBeUndefined();
  });

  it('lower-cases header names and joins repeated headers with commas, as an HTTP API does', () => {
    // Arrange
    const headers = {
      Host: [HOST],
      Authorization: ['Bearer prm_scim_abc'],
      'Content-Type': ['application/scim+json'],
      Accept: ['application/scim+json', 'application/json'],
      'x-custom': ['one'],
      'X-Custom': ['two'],
    };

    // Act
    const event = fromRestApiEvent(restEvent('/scim/v2/Users', { headers }));

    // Assess
    expect(event.headers).toEqual({
      host: HOST,
      authorization: 'Bearer prm_scim_abc',
      'content-type': 'application/scim+json',
      accept: 'application/scim+json,application/json',
      'x-custom': 'one,two',
    });
  });

  it('uses headers when multiValueHeaders is missing, and tolerates no headers at all', () => {
    // Arrange
    const onlySingle = { ...restEvent('/console'), headers: { 'If-None-Match': '"abc"' }, multiValueHeaders: {} } as unknown as APIGatewayProxyEvent;
    const none = { ...restEvent('/console'), headers: null, multiValueHeaders: null } as unknown as APIGatewayProxyEvent;

    // Act & Assess
    expect(fromRestApiEvent(onlySingle).headers).toEqual({ 'if-none-match': '"abc"' });
    expect(fromRestApiEvent(none).headers).toEqual({});
    expect(fromRestApiEvent(none).requestContext.http.userAgent).toBe('Okta SCIM Client 1.0.0');
  });

  it('moves the Cookie header into cookies, one entry per cookie, as an HTTP API does', () => {
    // Arrange
    const headers = { Host: [HOST], Cookie: ['a=1; b=2', 'c=3'] };

    // Act
    const event = fromRestApiEvent(restEvent('/console', { headers }));

    // Assess
    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers.cookie).toBeUndefined();
    expect(fromRestApiEvent(restEvent('/console')).cookies).toBeUndefined();
  });

  it('passes the body through, base64 flag included, and omits a missing body', () => {
    // Arrange
    const csv = 'id,email\n1,ada@example.com\n';
    const encoded = Buffer.from(csv, 'utf8').toString('base64');

    // Act
    const binary = fromRestApiEvent(restEvent('/admin/roster', { method: 'POST', body: encoded, isBase64Encoded: true }));
    const text = fromRestApiEvent(restEvent('/hooks/hr/standard', { method: 'POST', body: '{"type":"employee.hired"}' }));
    const empty = fromRestApiEvent(restEvent('/admin/reconcile', { method: 'POST' }));

    // Assess
    expect(binary).toMatchObject({ body: encoded, isBase64Encoded: true });
    expect(Buffer.from(binary.body ?? '', 'base64').toString('utf8')).toBe(csv);
    expect(text).toMatchObject({ body: '{"type":"employee.hired"}', isBase64Encoded: false });
    expect('body' in empty).toBe(false);
  });
});

describe('toRestApiResult', () => {
  it('copies status, headers, body and the base64 flag', () => {
    // Act
    const result = toRestApiResult({
      statusCode: 201,
      headers: { 'content-type': 'application/scim+json', etag: 'W/"1"', 'content-length': 42, 'x-flag': true },
      body: '{"id":"1"}',
      isBase64Encoded: false,
    });

    // Assess
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/scim+json', etag: 'W/"1"', 'content-length': 42, 'x-flag': true },
      body: '{"id":"1"}',
      isBase64Encoded: false,
    });
  });

  it('defaults a missing status to 200 and a missing body to empty (a 304 or 204 stays empty)', () => {
    // Act & Assess
    expect(toRestApiResult({})).toEqual({ statusCode: 200, headers: {}, body: '', isBase64Encoded: false });
    expect(toRestApiResult({ statusCode: 304, headers: { etag: '"v1"' } })).toEqual({ statusCode: 304, headers: { etag: '"v1"' }, body: '', isBase64Encoded: false });
  });

  it('sends every cookie as its own Set-Cookie header, together with one set as a header', () => {
    // Act
    const result = toRestApiResult({
      statusCode: 200,
      headers: { 'Set-Cookie': 'theme=dark; Path=/', 'content-type': 'text/html' },
      cookies: ['session=abc; Secure; HttpOnly', 'csrf=xyz; Secure'],
      body: 'ok',
    });

    // Assess
    expect(result.multiValueHeaders).toEqual({ 'set-cookie': ['theme=dark; Path=/', 'session=abc; Secure; HttpOnly', 'csrf=xyz; Secure'] });
    expect(result.headers).toEqual({ 'content-type': 'text/html' });
    expect(toRestApiResult({ statusCode: 200, body: 'x' }).multiValueHeaders).toBeUndefined();
  });

  it('keeps a base64 body encoded', () => {
    // Act
    const result = toRestApiResult({ statusCode: 200, body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });

    // Assess
    expect(result).toMatchObject({ body: 'AP8B', isBase64Encoded: true });
  });
});

describe('restApiHandler', () => {
  it('hands the 2.0 event to the handler with the Lambda context, and its result back as 1.0', async () => {
    // Arrange
    const seen: { event?: APIGatewayProxyEventV2; context?: Context } = {};
    const handler = restApiHandler(async (event: APIGatewayProxyEventV2, ctx: Context) => {
      seen.event = event;
      seen.context = ctx;
      return { statusCode: 202, cookies: ['a=1'], body: 'accepted' };
    });

    // Act
    const result = await handler(restEvent('/hooks/hr/bamboohr', { method: 'POST', body: '{}', resource: '/hooks/hr/{source}', pathParameters: { source: 'bamboohr' } }), context);

    // Assess
    expect(seen.event).toMatchObject({ version: '2.0', rawPath: '/api/hooks/hr/bamboohr', body: '{}', pathParameters: { source: 'bamboohr' } });
    expect(seen.context).toBe(context);
    expect(result).toEqual({ statusCode: 202, headers: {}, multiValueHeaders: { 'set-cookie': ['a=1'] }, body: 'accepted', isBase64Encoded: false });
  });

  it('serves the console under the stage prefix: the shell, its relatively linked assets, and the trailing-slash redirect', async () => {
    // Arrange
    const handler = restApiHandler(createConsoleHandler());

    // Act
    const shell = await handler(restEvent('/console', { resource: '/console' }), context);
    const scriptPath = /src="(console\/app\.js\?v=[0-9a-f]+)"/.exec(shell.body)?.[1] ?? '';
    const assetUrl = new URL(scriptPath, `https://${HOST}/api/console`);
    const script = await handler(
      restEvent(assetUrl.pathname.replace(/^\/api/, ''), { query: { v: [assetUrl.searchParams.get('v') ?? ''] }, pathParameters: { proxy: 'app.js' } }),
      context,
    );
    const slash = await handler(restEvent('/console/', { pathParameters: { proxy: '' } }), context);

    // Assess: relative links resolve inside the stage (/api/console/app.js), and the redirect back to it.
    expect(shell.statusCode).toBe(200);
    expect(assetUrl.pathname).toBe('/api/console/app.js');
    expect(script).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' } });
    expect(slash.statusCode).toBe(308);
    expect(new URL(String(slash.headers?.location), `https://${HOST}/api/console/`).pathname).toBe('/api/console');
  });

  it('runs the SCIM handler behind the stage: the Authorization header is found, and locations include the stage', async () => {
    // Arrange: discovery endpoints need no service; the token check runs first.
    const token = 'prm_scim_test-token';
    const scim = restApiHandler(
      createScimHandler({
        users: {} as ScimServices['users'],
        groups: {} as ScimServices['groups'],
        tokens: new StaticTokenVerifier([{ label: 'okta', sha256: hashToken(token) }]),
        logger: createJsonLogger('test', () => undefined),
      }),
    );
    const headers = { Host: [HOST], 'X-Forwarded-Proto': ['https'], Authorization: [`Bearer ${token}`] };

    // Act
    const config = await scim(restEvent('/scim/v2/ServiceProviderConfig', { headers, resource: '/scim/v2/{proxy+}' }), context);
    const refused = await scim(restEvent('/scim/v2/ServiceProviderConfig', { resource: '/scim/v2/{proxy+}' }), context);

    // Assess
    expect(config.statusCode).toBe(200);
    expect((JSON.parse(config.body) as { meta: { location: string } }).meta.location).toBe(`https://${HOST}/api/scim/v2/ServiceProviderConfig`);
    expect(refused.statusCode).toBe(401);
  });
});
