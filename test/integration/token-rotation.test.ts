import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../lib/adapters/local/LocalSecretStore.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { silentLogger } from '../../lib/observability/createJsonLogger.js';
import { startPerimeter } from '../../local/startPerimeter.js';
import { waitUntil } from '../support/waitUntil.js';

const run = promisify(execFile);

/** Runs the operator CLI against a data directory, as an operator would. */
async function cli(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
    env: { ...process.env, PERIMETER_DATA_DIR: dataDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return stdout;
}

describe('rotating SCIM tokens and webhook secrets with an overlap window (local mode)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('accepts the old and the new SCIM token during the overlap, and only the new one after', async () => {
    // Prepare: a server with its generated token
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-tokens-'));
    dirs.push(dataDir);
    const perimeter = await startPerimeter({ port: 0, dataDir, logger: silentLogger, recoveryIntervalMs: 60_000 });
    const oldToken = perimeter.tokens.scim.generated as string;
    const status = (token: string): Promise<number> =>
      fetch(`${perimeter.url}/scim/v2/ServiceProviderConfig`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const waitFor = async (token: string, expected: number): Promise<number> => {
      let last = 0;
      await waitUntil(async () => (last = await status(token)) === expected, 10_000, `HTTP ${expected} for the token`, () => `last answer ${last}`);
      return last;
    };
    try {
      // Act: add a new token, then retire the old one
      const added = await cli(dataDir, 'token', 'new', '--local', '--label', 'okta-2026');
      const newToken = /: (prm_scim_\S+)/.exec(added)?.[1] as string;
      const duringNew = await waitFor(newToken, 200);
      const duringOld = await status(oldToken);
      await cli(dataDir, 'token', 'retire', '--label', 'local-scim-token');
      const afterOld = await waitFor(oldToken, 401);
      const afterNew = await status(newToken);
      const listed = await cli(dataDir, 'token', 'list');

      // Assess
      expect([duringOld, duringNew]).toEqual([200, 200]);
      expect([afterOld, afterNew]).toEqual([401, 200]);
      expect(listed).toContain('okta-2026\tvalid');
      expect(listed).toMatch(/local-scim-token\tvalid until/);
      expect(listed).not.toContain(newToken);
    } finally {
      await perimeter.close();
    }
  }, 40_000);

  it('accepts webhook signatures with the previous signing secret until the next rotation', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'perimeter-webhook-rotation-'));
    dirs.push(dataDir);
    const store = await LocalSecretStore.open({ dataDir });
    const key = (n: number): string => `whsec_${Buffer.from(`webhook-signing-key-number-${n}-pad`).toString('base64')}`;
    await store.putSecretValue('perimeter/hr-standard', key(1));
    const config = parsePerimeterConfig({ webhooks: { standard: { secret: 'perimeter/hr-standard' } } }, 'test');
    const perimeter = await startPerimeter({ port: 0, dataDir, config, logger: silentLogger, recoveryIntervalMs: 60_000 });
    let counter = 0;
    const send = async (secret: string): Promise<number> => {
      const body = JSON.stringify({ type: 'employee.updated', timestamp: new Date().toISOString(), data: { employeeId: 'E-1', attributes: {} } });
      const id = `msg-${counter++}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64');
      const response = await fetch(`${perimeter.url}/hooks/hr/standard`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` },
        body,
      });
      return response.status;
    };
    try {
      // Act: rotate the signing secret (the old value becomes AWSPREVIOUS), then rotate again
      await store.putSecretValue('perimeter/hr-standard', key(2));
      const overlap = [await send(key(1)), await send(key(2))];
      await store.putSecretValue('perimeter/hr-standard', key(3));
      const after = [await send(key(1)), await send(key(2)), await send(key(3))];

      // Assess
      expect(overlap).toEqual([202, 202]);
      expect(after).toEqual([401, 202, 202]);
    } finally {
      await perimeter.close();
    }
  });
});
