import { ConfigError } from '../../lib/config/ConfigError.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';

/** Secrets the engine may read (connector credentials, webhook signing secrets) are named under this. */
export const SECRET_PREFIX = 'perimeter/';

/**
 * Refuses at synth time a config naming a secret the functions could not read: in AWS they may read
 * only secrets under SECRET_PREFIX, so any other name would fail every call at run time instead.
 */
export function assertSecretsReadable(config: PerimeterConfig, origin: string): void {
  const problems: string[] = [];
  const rule = `must start with "${SECRET_PREFIX}" (in AWS the functions may read only secrets named under it)`;
  config.connectors.forEach((connector, index) => {
    const secret = connector.credential?.secret;
    if (secret !== undefined && !secret.startsWith(SECRET_PREFIX)) {
      problems.push(`connectors[${index}].credential.secret (connector "${connector.id}"): "${secret}" ${rule}`);
    }
  });
  for (const [source, reference] of Object.entries(config.webhooks)) {
    if (reference !== undefined && !reference.secret.startsWith(SECRET_PREFIX)) {
      problems.push(`webhooks.${source}.secret: "${reference.secret}" ${rule}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Config ${origin} cannot be deployed:\n- ${problems.join('\n- ')}`);
}
