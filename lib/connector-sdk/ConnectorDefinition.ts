import type { z } from 'zod';
import type { ConnectorContext } from './ConnectorContext.js';
import type { Connector } from './Connector.js';

/**
 * A connector type: its name, the schema its `settings` must satisfy (checked when the config is
 * loaded, so a typo fails at start-up), and the factory. One per folder under connectors/.
 */
export interface ConnectorDefinition<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly settingsSchema: S;
  create(id: string, settings: z.infer<S>, context: ConnectorContext): Connector;
}
