import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsEngine } from '../shared/createAwsEngine.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { createRotateSecretHandler } from './createRotateSecretHandler.js';

// The rotation function Secrets Manager invokes for each connector credential with a rotation
// schedule (createSecret, setSecret, testSecret, finishSecret).
const logger = createJsonLogger('perimeter-rotate-secret');
const engine = await createAwsEngine(readEngineEnvironment(), logger);

export const handler = createRotateSecretHandler(engine.rotation, logger);
