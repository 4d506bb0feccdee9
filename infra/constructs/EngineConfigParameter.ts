import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { PerimeterConfig } from '../../lib/config/perimeterConfigSchema.js';

/** The operator's config file as read by infra/app.ts: its text, and where it came from. */
export interface EngineConfigSource {
  readonly text: string;
  /** The file's path, named in every error (as local mode names it). */
  readonly origin: string;
}

/** An SSM advanced-tier parameter holds at most 8 KB. */
export const MAX_CONFIG_BYTES = 8192;

export interface EngineConfigParameterProps {
  /** No file: the engine's defaults (no connectors, no policy). */
  readonly source?: EngineConfigSource;
}

/**
 * The engine config (connectors, policy, webhooks, leaver plans) as an SSM parameter, which every
 * engine Lambda reads at cold start. The file is validated here, at synth time, by the same parser
 * local mode uses, so a config that local mode would refuse never deploys (a Lambda refusing it at
 * init would fail every request instead).
 */
export class EngineConfigParameter extends Construct {
  public readonly parameter: ssm.StringParameter;
  /** The validated config, defaults applied (the service stack derives schedules from it). */
  public readonly config: PerimeterConfig;
  /** The file's path, or "defaults": named in the errors of later checks (the service stack's). */
  public readonly origin: string;

  public constructor(scope: Construct, id: string, props: EngineConfigParameterProps = {}) {
    super(scope, id);
    const origin = props.source?.origin ?? 'defaults';
    this.origin = origin;
    let input: unknown = {};
    if (props.source !== undefined) {
      try {
        input = JSON.parse(props.source.text);
      } catch (error) {
        // Worded as lib/config/loadPerimeterConfig.ts words it.
        throw new ConfigError(`Config file ${origin} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    }
    this.config = parsePerimeterConfig(input, origin);
    // The operator's JSON, minified but without the schema's defaults filled in: defaults cost bytes
    // of the 8 KB, and the Lambdas parse with the same schema, so they apply them anyway.
    const value = JSON.stringify(input);
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_CONFIG_BYTES) {
      throw new ConfigError(
        `Config ${origin} is ${bytes} bytes once minified; the SSM parameter that carries it holds at most ${MAX_CONFIG_BYTES}`,
      );
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      description: 'Perimeter: engine config (connectors, policy, webhooks, leaver); set from the configFile at deploy',
      stringValue: value,
      // A plain String, not a SecureString: the schema admits secret names only, never values.
      // Standard parameters stop at 4 KB; a policy with a few dozen rules passes that.
      tier: ssm.ParameterTier.ADVANCED,
    });
  }
}
