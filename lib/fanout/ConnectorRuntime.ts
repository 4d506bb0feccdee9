import Bottleneck from 'bottleneck';
import type { ConnectorDefinition } from '../connector-sdk/ConnectorDefinition.js';
import type { ConnectorContext } from '../connector-sdk/ConnectorContext.js';
import {
  type Connector,
  isAccountManager,
  isEntitlementProvisioner,
  isOwnershipTransferrer,
  isSessionRevoker,
} from '../connector-sdk/Connector.js';
import { ConfigError } from '../config/ConfigError.js';
import type { ConnectorConfig } from '../config/perimeterConfigSchema.js';
import type { AppCapabilities } from '../plan/computePlan.js';

export interface RuntimeConnector {
  readonly config: ConnectorConfig;
  readonly connector: Connector;
  readonly capabilities: AppCapabilities;
  /** Runs a call within the connector's concurrency and rate limits. */
  limit<T>(call: () => Promise<T>): Promise<T>;
}

export interface ConnectorRuntimeOptions {
  readonly configs: readonly ConnectorConfig[];
  readonly registry: ReadonlyMap<string, ConnectorDefinition>;
  /** The access-token source for a credential secret (the credential cache). */
  readonly accessToken: (secretName: string) => () => Promise<string>;
  /** Overrides per connector id (tests point connectors at fakes with their own fetch). */
  readonly context?: (config: ConnectorConfig) => Partial<ConnectorContext>;
}

/**
 * The configured connectors, instantiated: settings validated against each type's schema (so a
 * typo fails at start-up, naming the connector), credentials wired to the secret store, and each
 * wrapped in a limiter honouring its `concurrency` and `ratePerSecond`.
 */
export class ConnectorRuntime {
  private readonly connectors = new Map<string, RuntimeConnector>();

  public constructor(options: ConnectorRuntimeOptions) {
    for (const config of options.configs) {
      const definition = options.registry.get(config.type);
      if (!definition) {
        throw new ConfigError(`connectors "${config.id}": unknown type "${config.type}" (known: ${[...options.registry.keys()].join(', ')})`);
      }
      const settings = definition.settingsSchema.safeParse(config.settings);
      if (!settings.success) {
        const problems = settings.error.issues.map((issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`).join('; ');
        throw new ConfigError(`connectors "${config.id}" settings are invalid: ${problems}`);
      }
      const credential = config.credential;
      const context: ConnectorContext = {
        accessToken: credential
          ? options.accessToken(credential.secret)
          : async () => {
              throw new ConfigError(`connectors "${config.id}" has no credential configured`);
            },
        ...options.context?.(config),
      };
      const connector = definition.create(config.id, settings.data, context);
      const limiter = new Bottleneck({
        maxConcurrent: config.concurrency,
        ...(config.ratePerSecond ? { minTime: Math.ceil(1000 / config.ratePerSecond) } : {}),
      });
      this.connectors.set(config.id, {
        config,
        connector,
        capabilities: {
          accounts: isAccountManager(connector),
          entitlements: isEntitlementProvisioner(connector),
          sessions: isSessionRevoker(connector),
          ownership: isOwnershipTransferrer(connector),
        },
        limit: (call) => limiter.schedule(call),
      });
    }
  }

  public get(app: string): RuntimeConnector | undefined {
    return this.connectors.get(app);
  }

  public ids(): string[] {
    return [...this.connectors.keys()];
  }

  public capabilities(): Map<string, AppCapabilities> {
    return new Map([...this.connectors].map(([id, runtime]) => [id, runtime.capabilities]));
  }
}
