import { intEnv, optionalEnv } from '../lib/config/readEnv.js';
import { createJsonLogger } from '../lib/observability/createJsonLogger.js';
import { readLocalHttpLimits } from './LocalHttpLimits.js';
import { startPerimeter } from './startPerimeter.js';

// `npm start`: the local-mode contract in README.md. Environment is read here and nowhere else.
const logger = createJsonLogger('perimeter-local', (line) => process.stderr.write(`${line}\n`));

async function main(): Promise<void> {
  // Local mode runs on Node.js 20 by contract (Lambda runs 22); the SDK's upgrade notice is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = optionalEnv('PERIMETER_DATA_DIR') ?? './.perimeter';
  const configPath = optionalEnv('PERIMETER_CONFIG');
  const scimToken = optionalEnv('PERIMETER_SCIM_TOKEN');
  const adminToken = optionalEnv('PERIMETER_ADMIN_TOKEN');
  const dynamodbEndpoint = optionalEnv('DYNAMODB_ENDPOINT');
  const tablePrefix = optionalEnv('PERIMETER_TABLE_PREFIX');
  const perimeter = await startPerimeter({
    port: intEnv('PORT', 8787),
    dataDir,
    httpLimits: readLocalHttpLimits(),
    logger,
    ...(configPath ? { configPath } : {}),
    ...(scimToken ? { scimToken } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(dynamodbEndpoint ? { dynamodbEndpoint } : {}),
    ...(tablePrefix ? { tablePrefix } : {}),
  });

  for (const [role, token] of Object.entries(perimeter.tokens)) {
    const variable = role === 'scim' ? 'PERIMETER_SCIM_TOKEN' : 'PERIMETER_ADMIN_TOKEN';
    if (token.generated) {
      process.stdout.write(`Generated ${role} token (shown once; only its hash is kept, in secret ${token.secretName}): ${token.generated}\n`);
    } else if (token.source === 'stored') {
      process.stdout.write(`${role} token: as stored in secret ${token.secretName} (npm run perimeter -- token new --local${role === 'admin' ? ' --admin' : ''} for another, or set ${variable})\n`);
    }
  }
  process.stdout.write(`SCIM base URL: ${perimeter.url}/scim/v2\n`);
  process.stdout.write(`Perimeter listening on ${perimeter.url}\n`);

  const shutdown = (signal: string): void => {
    logger.info('Shutting down', { signal });
    perimeter.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  process.stderr.write(`Perimeter failed to start: ${message}${cause}\n`);
  process.exit(1);
});
