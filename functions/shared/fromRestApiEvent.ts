import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * The HTTP API (payload 2.0) event the handlers read, built from the REST API proxy (1.0) event
 * API Gateway sends in AWS. The REST API is there for AWS WAF, which cannot protect an HTTP API;
 * the handlers, and local mode (local/toApiGatewayEvent.ts), stay on the 2.0 shape.
 *
 * rawPath is requestContext.path, the path the client asked for: it keeps the stage prefix of the
 * execute-api URL ("/api/scim/v2/Users") and a custom domain's base path, as an HTTP API stage's
 * rawPath does. The routers find their root anywhere in it, and the SCIM router builds absolute
 * resource locations from what comes before it; event.path lacks the stage, so those would 404.
 * REST APIs hand the path over still percent-encoded and the routers decode segments themselves.
 */
export function fromRestApiEvent(event: APIGatewayProxyEvent): APIGatewayProxyEventV2 {
  const { requestContext } = event;
  const { headers, cookies } = joinHeaders(event);
  const rawPath = requestContext.path ?? event.path;
  const method = requestContext.httpMethod ?? event.httpMethod;
  const { rawQueryString, queryStringParameters } = joinQuery(event);
  const timeEpoch = requestContext.requestTimeEpoch ?? Date.now();
  return {
    version: '2.0',
    routeKey: `${method} ${event.resource}`,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters !== undefined ? { queryStringParameters } : {}),
    requestContext: {
      accountId: requestContext.accountId,
      apiId: requestContext.apiId,
      domainName: requestContext.domainName ?? headers.host ?? '',
      domainPrefix: requestContext.domainPrefix ?? '',
      http: {
        method,
        path: rawPath,
        protocol: requestContext.protocol,
        sourceIp: requestContext.identity.sourceIp,
        userAgent: requestContext.identity.userAgent ?? headers['user-agent'] ?? '',
      },
      requestId: requestContext.requestId,
      routeKey: `${method} ${event.resource}`,
      stage: requestContext.stage,
      time: requestContext.requestTime ?? new Date(timeEpoch).toUTCString(),
      timeEpoch,
    },
    ...(event.body !== null && event.body !== undefined ? { body: event.body } : {}),
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
    ...(event.stageVariables ? { stageVariables: event.stageVariables } : {}),
    isBase64Encoded: event.isBase64Encoded ?? false,
  };
}

/**
 * Lower-cased names, repeated headers joined by a comma, and the Cookie header moved into `cookies`:
 * what an HTTP API does. multiValueHeaders has every value; headers only the last of each.
 */
function joinHeaders(event: APIGatewayProxyEvent): { headers: Record<string, string>; cookies: string[] } {
  const values = new Map<string, string[]>();
  const source: Record<string, readonly (string | undefined)[] | undefined> =
    event.multiValueHeaders !== null && event.multiValueHeaders !== undefined && Object.keys(event.multiValueHeaders).length > 0
      ? event.multiValueHeaders
      : Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name, [value]]));
  for (const [name, list] of Object.entries(source)) {
    const key = name.toLowerCase();
    const present = (list ?? []).filter((value): value is string => value !== undefined);
    values.set(key, [...(values.get(key) ?? []), ...present]);
  }
  const cookies = (values.get('cookie') ?? []).flatMap((value) => value.split(';')).map((cookie) => cookie.trim()).filter(Boolean);
  values.delete('cookie');
  return { headers: Object.fromEntries([...values].map(([name, list]) => [name, list.join(',')])), cookies };
}

/**
 * The query string rebuilt from the parsed parameters. REST APIs decode the values and keep no raw
 * query string, so every name and value is encoded again: "a%26b" stays one value, "%2B" stays a
 * plus, and repeated names keep every value in order.
 */
function joinQuery(event: APIGatewayProxyEvent): { rawQueryString: string; queryStringParameters: Record<string, string> | undefined } {
  const multi: Record<string, readonly (string | undefined)[] | undefined> =
    event.multiValueQueryStringParameters ??
    Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).map(([name, value]) => [name, [value]]));
  const pairs: string[] = [];
  const joined: Record<string, string> = {};
  for (const [name, list] of Object.entries(multi)) {
    const present = (list ?? []).filter((value): value is string => value !== undefined);
    for (const value of present) pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    if (present.length > 0) joined[name] = present.join(',');
  }
  return { rawQueryString: pairs.join('&'), queryStringParameters: Object.keys(joined).length > 0 ? joined : undefined };
}
