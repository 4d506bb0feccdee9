import { ENGINE_ENVIRONMENT_VARIABLES as names, type EngineEnvironmentVariable } from '../../functions/shared/engineEnvironmentVariables.js';
import type { EngineEnvironment } from '../../functions/shared/readEngineEnvironment.js';

/**
 * The variables every engine function is deployed with: what readEngineEnvironment reads back, so
 * it takes the very structure that function returns. The values here are CloudFormation tokens
 * (table names, queue URLs, ARNs); test/infra/engineEnvironment.test.ts checks the round trip.
 */
export function engineEnvironment(environment: EngineEnvironment): Record<EngineEnvironmentVariable, string> {
  // The return type makes leaving out (or adding) a name of ENGINE_ENVIRONMENT_VARIABLES a type error.
  return {
    [names.directoryTable]: environment.tables.directory,
    [names.ledgerTable]: environment.tables.ledger,
    [names.accessTable]: environment.tables.access,
    [names.operationsTable]: environment.tables.operations,
    [names.configParameter]: environment.configParameter,
    [names.stepQueueUrl]: environment.stepQueueUrl,
    [names.lockoutQueueUrl]: environment.lockoutQueueUrl,
    [names.schedulerGroup]: environment.scheduler.groupName,
    [names.schedulerTargetArn]: environment.scheduler.targetArn,
    [names.schedulerRoleArn]: environment.scheduler.roleArn,
    [names.secretPrefix]: environment.secretPrefix,
  };
}
