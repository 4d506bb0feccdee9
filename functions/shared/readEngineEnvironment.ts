import { optionalEnv, requireEnv } from '../../lib/config/readEnv.js';
import { ENGINE_ENVIRONMENT_VARIABLES as names } from './engineEnvironmentVariables.js';

/**
 * The environment every engine Lambda is deployed with (infra/constructs/engineEnvironment.ts
 * sets it, under the names in engineEnvironmentVariables.ts). Read once per cold start; a missing
 * variable fails the init phase, not a request.
 */
export interface EngineEnvironment {
  readonly tables: { directory: string; ledger: string; access: string; operations: string };
  /** SSM parameter holding the config JSON (connectors, policy, webhooks, leaver). */
  readonly configParameter: string;
  readonly stepQueueUrl: string;
  readonly lockoutQueueUrl: string;
  /** EventBridge Scheduler: the group one-time jobs go in, the function they invoke, the role it assumes. */
  readonly scheduler: { groupName: string; targetArn: string; roleArn: string };
  /** Only secrets under this prefix are listed (the functions may read only these). */
  readonly secretPrefix: string;
}

export function readEngineEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): EngineEnvironment {
  return {
    tables: {
      directory: requireEnv(names.directoryTable, env),
      ledger: requireEnv(names.ledgerTable, env),
      access: requireEnv(names.accessTable, env),
      operations: requireEnv(names.operationsTable, env),
    },
    configParameter: requireEnv(names.configParameter, env),
    stepQueueUrl: requireEnv(names.stepQueueUrl, env),
    lockoutQueueUrl: requireEnv(names.lockoutQueueUrl, env),
    scheduler: {
      groupName: requireEnv(names.schedulerGroup, env),
      targetArn: requireEnv(names.schedulerTargetArn, env),
      roleArn: requireEnv(names.schedulerRoleArn, env),
    },
    secretPrefix: optionalEnv(names.secretPrefix, env) ?? 'perimeter/',
  };
}
