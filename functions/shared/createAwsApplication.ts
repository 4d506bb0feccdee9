import { credentialRotators } from '../../connectors/credentialRotators.js';
import { connectorRegistry } from '../../connectors/registry.js';
import { createDocumentClient } from '../../lib/adapters/dynamodb/createDocumentClient.js';
import { EventBridgeScheduler } from '../../lib/adapters/scheduler/EventBridgeScheduler.js';
import { requestRotation } from '../../lib/adapters/secrets-manager/requestRotation.js';
import { SecretsManagerSecretStore } from '../../lib/adapters/secrets-manager/SecretsManagerSecretStore.js';
import { SqsStepQueue } from '../../lib/adapters/sqs/SqsStepQueue.js';
import { loadConfigFromParameter } from '../../lib/adapters/ssm/loadConfigFromParameter.js';
import type { Application } from '../../lib/application/Application.js';
import { buildApplication } from '../../lib/application/buildApplication.js';
import type { Logger } from '../../lib/observability/Logger.js';
import type { LedgerArchive } from '../../lib/ports/LedgerArchive.js';
import type { EngineEnvironment } from './readEngineEnvironment.js';

/** The application on AWS services: DynamoDB, SQS FIFO, EventBridge Scheduler, Secrets Manager, SSM. */
export async function createAwsApplication(env: EngineEnvironment, logger: Logger, options: { readonly archive?: LedgerArchive } = {}): Promise<Application> {
  const config = await loadConfigFromParameter(env.configParameter);
  return buildApplication({
    db: createDocumentClient(),
    tables: env.tables,
    config,
    registry: connectorRegistry,
    rotators: credentialRotators,
    secrets: new SecretsManagerSecretStore({ namePrefix: env.secretPrefix }),
    queue: new SqsStepQueue({ queueUrl: env.stepQueueUrl, lockoutQueueUrl: env.lockoutQueueUrl }),
    scheduler: new EventBridgeScheduler(env.scheduler),
    logger,
    // Secrets Manager runs the rotation Lambda and allows one rotation per secret at a time.
    rotateSecret: async (secretName) => {
      await requestRotation(secretName);
      return 'requested';
    },
    ...options,
  });
}
