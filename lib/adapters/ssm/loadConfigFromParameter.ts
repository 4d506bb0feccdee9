import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../../config/ConfigError.js';
import { parsePerimeterConfig } from '../../config/loadPerimeterConfig.js';
import type { PerimeterConfig } from '../../config/perimeterConfigSchema.js';

/** The engine config from its SSM parameter (written by the CDK stack from the operator's file). */
export async function loadConfigFromParameter(name: string, client: SSMClient = new SSMClient({})): Promise<PerimeterConfig> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    throw new ConfigError(`Cannot read config parameter ${name}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch (error) {
    throw new ConfigError(`Config parameter ${name} is not JSON`, { cause: error });
  }
  return parsePerimeterConfig(parsed, `parameter ${name}`);
}
