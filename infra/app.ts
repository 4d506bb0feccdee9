import { readFileSync } from 'node:fs';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../lib/config/ConfigError.js';
import type { EngineConfigSource } from './constructs/EngineConfigParameter.js';
import { ServiceStack } from './stacks/ServiceStack.js';
import { StatefulStack } from './stacks/StatefulStack.js';

// The CDK app: the only place that reads environment and context. `npx cdk synth` works offline
// (no account needed); `npx cdk deploy --all` deploys both stacks.
const app = new App();
const prefix = (app.node.tryGetContext('stackPrefix') as string | undefined) ?? 'Perimeter';
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION,
};
const rateLimitContext = app.node.tryGetContext('apiRateLimit') as string | number | undefined;
const fanoutConcurrencyContext = app.node.tryGetContext('fanoutConcurrency') as string | number | undefined;
const configFile = app.node.tryGetContext('configFile') as string | undefined;
const archiveRetentionContext = app.node.tryGetContext('archiveRetentionDays') as string | number | undefined;
const wafRateLimitContext = app.node.tryGetContext('wafRateLimit') as string | number | undefined;
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;

try {
  const stateful = new StatefulStack(app, `${prefix}Stateful`, {
    env,
    terminationProtection: true,
    ...(configFile !== undefined ? { engineConfig: readConfigFile(configFile) } : {}),
    ...(archiveRetentionContext !== undefined ? { archiveRetentionDays: Number(archiveRetentionContext) } : {}),
  });
  new ServiceStack(app, `${prefix}Service`, {
    env,
    stateful,
    ...(rateLimitContext !== undefined ? { rateLimit: Number(rateLimitContext) } : {}),
    ...(fanoutConcurrencyContext !== undefined ? { fanoutConcurrency: Number(fanoutConcurrencyContext) } : {}),
    ...(wafRateLimitContext !== undefined ? { wafRateLimit: Number(wafRateLimitContext) } : {}),
    ...(alarmEmail !== undefined && alarmEmail !== '' ? { alarmEmail } : {}),
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // An operator's mistake, not a bug: the message (local mode's wording) without a stack trace.
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
  process.stderr.write(`Perimeter cannot be synthesised: ${error.message}${cause}\n`);
  process.exit(1);
}
Tags.of(app).add('application', 'perimeter');
// AWS Solutions checks run at every synth: a finding that is neither fixed nor acknowledged with a
// reason (infra/nag/) fails `cdk synth` and `cdk deploy`. test/infra runs the same checks.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

/** The file's text; the stateful stack validates it. */
function readConfigFile(path: string): EngineConfigSource {
  try {
    return { text: readFileSync(path, 'utf8'), origin: path };
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}`, { cause: error });
  }
}
