import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createScimHandler } from '../../../functions/scim/createScimHandler.js';
import { StaticTokenVerifier } from '../../../lib/auth/StaticTokenVerifier.js';
import { hashToken } from '../../../lib/auth/hashToken.js';
import { DirectoryError } from '../../../lib/domain/DirectoryError.js';
import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { LogFields, Logger } from '../../../lib/observability/Logger.js';
import type { DirectoryStore } from '../../../lib/ports/DirectoryStore.js';
import { ScimGroups } from '../../../lib/scim/ScimGroups.js';
import { PeopleDirectory } from '../../../lib/directory/PeopleDirectory.js';
import { ScimUsers } from '../../../lib/scim/ScimUsers.js';
import { lambdaContext } from '../../../local/toApiGatewayEvent.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';
import { ledgerOnlyRelay } from '../../support/ledgerOnlyRelay.js';
import { ERROR, GROUP, PATCH_OP, USER } from './scimProtocolFixture.js';

describe('SCIM handler on a failing directory store', () => {
  const TOKEN = 'failing-store-token-0123456789';
  const INTERNALS = 'connect ECONNREFUSED 10.20.30.40:8000 (table perimeter-directory-prod)';
  const logged: { message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: () => undefined,
    error: (message, fields) => logged.push({ message, fields }),
  };
  // Every store call fails the way DynamoDirectoryStore fails when DynamoDB is unreachable.
  const store = new Proxy({} as DirectoryStore, {
    get: () => async () => {
      throw new DirectoryError('unavailable', 'Directory store failed to read item', { cause: new Error(INTERNALS) });
    },
  });
  const deps = { store, relay: ledgerOnlyRelay(store, new Ledger(new InMemoryLedgerStore())), logger };
  const handler = createScimHandler({
    users: new ScimUsers({ store, people: new PeopleDirectory(deps) }),
    groups: new ScimGroups(deps),
    tokens: new StaticTokenVerifier([{ label: 'test-idp', sha256: hashToken(TOKEN) }]),
    logger,
  });
  const invoke = async (
    method: string,
    path: string,
    body?: unknown,
    authorization = `Bearer ${TOKEN}`,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: '$default',
      rawPath: `/scim/v2${path}`,
      rawQueryString: '',
      headers: {
        host: 'scim.example.test',
        authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
      },
      requestContext: {
        accountId: 'test',
        apiId: 'test',
        domainName: 'scim.example.test',
        domainPrefix: 'scim',
        http: { method, path: `/scim/v2${path}`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        requestId,
        routeKey: '$default',
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      isBase64Encoded: false,
    };
    return handler(event, lambdaContext('scim', requestId));
  };

  it.each([
    ['GET', '/Users/2819c223-7f76-453a-919d-413861904646', undefined],
    ['GET', '/Users', undefined],
    ['POST', '/Users', { schemas: [USER], userName: 'new@fail.example' }],
    ['PUT', '/Users/2819c223-7f76-453a-919d-413861904646', { schemas: [USER], userName: 'x@fail.example' }],
    ['PATCH', '/Users/2819c223-7f76-453a-919d-413861904646', { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }],
    ['DELETE', '/Users/2819c223-7f76-453a-919d-413861904646', undefined],
    ['GET', '/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a', undefined],
    ['POST', '/Groups', { schemas: [GROUP], displayName: 'Fails' }],
  ])('answers %s %s with 500 and a generic detail, never a 404', async (method, path, body) => {
    // Prepare
    logged.length = 0;

    // Act
    const result = await invoke(method, path, body);

    // Assess
    expect(result.statusCode).toBe(500);
    expect(result.headers?.['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(JSON.parse(String(result.body))).toEqual({ schemas: [ERROR], status: '500', detail: 'Internal server error' });
    expect(result.body).not.toMatch(/ECONNREFUSED|10\.20\.30\.40|perimeter-directory|DirectoryError|Directory store|unavailable/);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.fields?.error).toBeInstanceOf(DirectoryError);
  });

  it('still answers authentication failures with 401 before touching the store', async () => {
    // Prepare
    logged.length = 0;

    // Act
    const result = await invoke('GET', '/Users', undefined, 'Bearer wrong-token-0123456789');

    // Assess
    expect(result.statusCode).toBe(401);
    expect(logged).toEqual([]);
  });
});
