import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/observability/createJsonLogger.js';
import { type LocalOptions, type RunningPerimeter, startPerimeter } from '../../local/startPerimeter.js';
import { tablePrefixFor, testDynamo } from './testDynamo.js';

export const TEST_SCIM_TOKEN = 'test-scim-token-0123456789abcdef';
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface TestPerimeter extends RunningPerimeter {
  readonly dataDir: string;
  /** fetch against the SCIM API with the test token (override headers to test auth). */
  scim(path: string, init?: ScimRequestInit): Promise<ScimReply>;
  /** fetch against the admin API with the admin token. */
  admin(path: string, init?: ScimRequestInit): Promise<ScimReply>;
  stop(): Promise<void>;
}

export interface ScimRequestInit {
  readonly method?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send this exact text as the body instead of JSON-encoding `body`. */
  readonly rawBody?: string;
}

export interface ScimReply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint: test convenience, shape asserted by each test
  readonly body: any;
}

/** Local mode on a free port, with an in-memory engine unless `persistent` names a data dir. */
export interface TestPerimeterOptions {
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly dynamodbEndpoint?: string;
  readonly dynamodbCredentials?: LocalOptions['dynamodbCredentials'];
  readonly config?: LocalOptions['config'];
  readonly registry?: LocalOptions['registry'];
  readonly secrets?: LocalOptions['secrets'];
  readonly connectorContext?: LocalOptions['connectorContext'];
  readonly httpLimits?: LocalOptions['httpLimits'];
  /** On the embedded engine even in `npm run test:dynamodb-local` (tests of the engine itself). */
  readonly embedded?: boolean;
}

export async function startTestPerimeter(options: TestPerimeterOptions = {}): Promise<TestPerimeter> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'perimeter-test-')));
  // On the run's DynamoDB Local (npm run test:dynamodb-local), each data directory has its own tables.
  const shared = options.dynamodbEndpoint === undefined && !options.embedded ? testDynamo() : undefined;
  const running = await startPerimeter({
    port: 0,
    dataDir,
    inMemory: options.inMemory ?? options.dataDir === undefined,
    scimToken: TEST_SCIM_TOKEN,
    adminToken: TEST_ADMIN_TOKEN,
    logger: silentLogger,
    recoveryIntervalMs: 60_000,
    suspendedRecheckMs: 200,
    ...(options.dynamodbEndpoint ? { dynamodbEndpoint: options.dynamodbEndpoint } : {}),
    ...(options.dynamodbCredentials ? { dynamodbCredentials: options.dynamodbCredentials } : {}),
    ...(shared ? { dynamodbEndpoint: shared.endpoint, dynamodbCredentials: shared.credentials, tablePrefix: tablePrefixFor(dataDir) } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.connectorContext ? { connectorContext: options.connectorContext } : {}),
    ...(options.httpLimits ? { httpLimits: options.httpLimits } : {}),
  });
  const call = (prefix: string, token: string, contentType: string) => async (path: string, init: ScimRequestInit = {}): Promise<ScimReply> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...init.headers };
    let body: string | undefined = init.rawBody;
    if (body === undefined && init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= contentType;
    }
    const response = await fetch(`${running.url}${prefix}${path}`, { method: init.method ?? 'GET', headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const scim = call('/scim/v2', TEST_SCIM_TOKEN, 'application/scim+json');
  const admin = call('/admin', TEST_ADMIN_TOKEN, 'application/json');
  return {
    ...running,
    dataDir,
    scim,
    admin,
    stop: async () => {
      await running.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
