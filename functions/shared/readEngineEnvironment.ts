import { optionalEnv, requireEnv } from '../../lib/config/readEnv.js';

/**
 * The environment every engine Lambda is deployed with (infra/stacks/ServiceStack.ts sets it).
 * Read once per cold start; a missing variable fails the init phase, not a request.
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
      directory: requireEnv('DIRECTORY_TABLE', env),
      ledger: requireEnv('LEDGER_TABLE', env),
      access: requireEnv('ACCESS_TABLE', env),
      operations: requireEnv('OPERATIONS_TABLE', env),
    },
    configParameter: requireEnv('CONFIG_PARAMETER', env),
    stepQueueUrl: requireEnv('STEP_QUEUE_URL', env),
    lockoutQueueUrl: requireEnv('LOCKOUT_QUEUE_URL', env),
    scheduler: {
      groupName: requireEnv('SCHEDULER_GROUP', env),
      targetArn: requireEnv('SCHEDULER_TARGET_ARN', env),
      roleArn: requireEnv('SCHEDULER_ROLE_ARN', env),
    },
    secretPrefix: optionalEnv('SECRET_PREFIX', env) ?? 'perimeter/',
  };
}
