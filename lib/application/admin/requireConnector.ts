import type { ConnectorRuntime, RuntimeConnector } from '../../fanout/ConnectorRuntime.js';
import { OperationError } from '../OperationError.js';

/** The configured connector, or a 'notFound' refusal naming the id. */
export function requireConnector(connectors: Pick<ConnectorRuntime, 'get'>, id: string): RuntimeConnector {
  const runtime = connectors.get(id);
  if (!runtime) throw new OperationError('notFound', `No connector "${id}" is configured`);
  return runtime;
}
