/**
 * The names of the variables every engine Lambda is deployed with. readEngineEnvironment reads
 * them and infra/constructs/engineEnvironment.ts sets them; both take the names from here, so a
 * variable cannot be renamed on one side only (test/infra/engineEnvironment.test.ts checks that
 * every variable set is read, and read back to the value set).
 */
export const ENGINE_ENVIRONMENT_VARIABLES = {
  directoryTable: 'DIRECTORY_TABLE',
  ledgerTable: 'LEDGER_TABLE',
  accessTable: 'ACCESS_TABLE',
  operationsTable: 'OPERATIONS_TABLE',
  configParameter: 'CONFIG_PARAMETER',
  stepQueueUrl: 'STEP_QUEUE_URL',
  lockoutQueueUrl: 'LOCKOUT_QUEUE_URL',
  schedulerGroup: 'SCHEDULER_GROUP',
  schedulerTargetArn: 'SCHEDULER_TARGET_ARN',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  secretPrefix: 'SECRET_PREFIX',
} as const;

export type EngineEnvironmentVariable = (typeof ENGINE_ENVIRONMENT_VARIABLES)[keyof typeof ENGINE_ENVIRONMENT_VARIABLES];
