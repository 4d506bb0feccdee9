import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badConfig, cdkContext, env, rotationConfig, validConfig } from './support/synthStacks.js';
import type { Resource } from './support/templateQueries.js';

// infra/app.ts, run as the CDK CLI runs it.

describe('infra/app.ts (the entry `npx cdk synth` runs)', () => {
  const run = promisify(execFile);
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'perimeter-cdk-'));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Runs the app as the CDK CLI would (context and output directory in the environment), bundling skipped. */
  async function synthApp(context: Record<string, unknown>): Promise<{ outdir: string; stderr: string; code: number }> {
    const outdir = await mkdtemp(join(workDir, 'out-'));
    try {
      const { stderr } = await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, 'aws:cdk:bundling-stacks': [], ...context }),
          CDK_DEFAULT_ACCOUNT: env.account,
          CDK_DEFAULT_REGION: env.region,
        },
      });
      return { outdir, stderr, code: 0 };
    } catch (error) {
      const failure = error as { stderr: string; code: number };
      return { outdir, stderr: failure.stderr, code: failure.code };
    }
  }

  it('builds both stacks from a config file and the context settings', async () => {
    // Arrange
    const configFile = join(workDir, 'perimeter.json');
    await writeFile(configFile, JSON.stringify(validConfig));

    // Act
    const result = await synthApp({ configFile, stackPrefix: 'Acme', fanoutConcurrency: '30', wafRateLimit: '2500', alarmEmail: 'oncall@example.com' });

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(result.outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const stacks = Object.entries(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack').map(([name]) => name);
    expect(stacks.sort()).toEqual(['AcmeService', 'AcmeStateful']);
    const statefulTemplate = await readFile(join(result.outdir, 'AcmeStateful.template.json'), 'utf8');
    const serviceTemplate = await readFile(join(result.outdir, 'AcmeService.template.json'), 'utf8');
    expect(statefulTemplate).toContain(JSON.stringify(JSON.stringify(validConfig)));
    expect(serviceTemplate).toContain('"MaximumConcurrency": 30');
    expect(serviceTemplate).toContain('"Limit": 2500');
    expect(serviceTemplate).toContain('"Endpoint": "oncall@example.com"');
    // The app runs the AwsSolutions checks at synth; a finding would have failed it, and none is reported.
    const report = JSON.parse(await readFile(join(result.outdir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  }, 60_000);

  it('fails the synth on an impossible wafRateLimit, naming the setting', async () => {
    // Act
    const tooLow = await synthApp({ stackPrefix: 'Low', wafRateLimit: '5' });

    // Assess
    expect(tooLow.code).not.toBe(0);
    expect(tooLow.stderr).toContain('Perimeter cannot be synthesised: wafRateLimit must be a whole number of requests per 5 minutes from 10 to 2000000000');
  }, 60_000);

  it('fails the synth on an invalid config file, naming the rule', async () => {
    // Arrange
    const configFile = join(workDir, 'bad.json');
    await writeFile(configFile, JSON.stringify(badConfig));

    // Act
    const result = await synthApp({ configFile });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Config ${configFile} is invalid`);
    expect(result.stderr).toContain('(rule "sales-slack"): "slack" is not a configured connector');
  }, 60_000);

  it('fails the synth on a credential secret outside perimeter/, naming the connector', async () => {
    // Arrange
    const configFile = join(workDir, 'outside.json');
    await writeFile(configFile, JSON.stringify({ connectors: [{ ...rotationConfig.connectors[0], credential: { secret: 'github-token' } }] }));

    // Act
    const result = await synthApp({ configFile });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Perimeter cannot be synthesised: Config ${configFile} cannot be deployed:`);
    expect(result.stderr).toContain('connectors[0].credential.secret (connector "github"): "github-token" must start with "perimeter/"');
  }, 60_000);

  it('locks archive objects for archiveRetentionDays from the context, and fails the synth on an impossible period', async () => {
    // Act
    const tenYears = await synthApp({ stackPrefix: 'Lock', archiveRetentionDays: '3650' });
    const forever = await synthApp({ stackPrefix: 'Never', archiveRetentionDays: 'forever' });

    // Assess
    expect(tenYears.code, tenYears.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(tenYears.outdir, 'LockStateful.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
    expect(template.Resources.ArchiveBucket?.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3650 } },
    });
    expect(forever.code).not.toBe(0);
    expect(forever.stderr).toContain('Perimeter cannot be synthesised: archiveRetentionDays must be a whole number of days from 1 to 36500');
  }, 60_000);

  it('fails the synth when the config file cannot be read', async () => {
    // Act
    const result = await synthApp({ configFile: join(workDir, 'missing.json') });

    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`Cannot read config file ${join(workDir, 'missing.json')}`);
  }, 60_000);
});
