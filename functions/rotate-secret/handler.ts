import { createJsonLogger } from '../../lib/observability/createJsonLogger.js';
import { createAwsApplication } from '../shared/createAwsApplication.js';
import { readEngineEnvironment } from '../shared/readEngineEnvironment.js';
import { createRotateSecretHandler } from './createRotateSecretHandler.js';

// The rotation function Secrets Manager invokes for each connector credential with a rotation
// schedule (createSecret, setSecret, testSecret, finishSecret).
const logger = createJsonLogger('perimeter-rotate-secret');
const app = await createAwsApplication(readEngineEnvironment(), logger);

export const handler = createRotateSecretHandler(app.rotation, logger);
