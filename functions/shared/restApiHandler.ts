import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { fromRestApiEvent } from './fromRestApiEvent.js';
import { toRestApiResult } from './toRestApiResult.js';

/** A handler written for HTTP API events (payload 2.0), as local mode runs it. */
export type HttpApiHandler<C extends Context = Context> = (event: APIGatewayProxyEventV2, context: C) => Promise<APIGatewayProxyStructuredResultV2>;

/** What API Gateway's REST API invokes through a Lambda proxy integration (payload 1.0). */
export type RestApiHandler<C extends Context = Context> = (event: APIGatewayProxyEvent, context: C) => Promise<APIGatewayProxyResult>;

/**
 * Serves a 2.0 handler behind the REST API: converts the event on the way in and the result on the
 * way out, so the handlers and local mode keep one event shape (see fromRestApiEvent for why).
 */
export function restApiHandler<C extends Context>(handler: HttpApiHandler<C>): RestApiHandler<C> {
  return async (event, context) => toRestApiResult(await handler(fromRestApiEvent(event), context));
}
