import type { APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The REST API proxy (1.0) response for a handler's HTTP API (2.0) result. Payload 2.0 carries
 * Set-Cookie values in `cookies`; 1.0 has no such field and one value per name in `headers`, so
 * they go to multiValueHeaders, where each becomes its own Set-Cookie line.
 */
export function toRestApiResult(result: APIGatewayProxyStructuredResultV2): APIGatewayProxyResult {
  const headers = { ...result.headers };
  const setCookie: (string | number | boolean)[] = [];
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    setCookie.push(headers[name] as string | number | boolean);
    delete headers[name];
  }
  setCookie.push(...(result.cookies ?? []));
  return {
    // Payload 2.0 defaults a missing status to 200; 1.0 requires one.
    statusCode: result.statusCode ?? 200,
    headers,
    ...(setCookie.length > 0 ? { multiValueHeaders: { 'set-cookie': setCookie } } : {}),
    // 1.0 requires a body; an empty one is no body (a 204 or 304 stays empty).
    body: result.body ?? '',
    isBase64Encoded: result.isBase64Encoded ?? false,
  };
}
