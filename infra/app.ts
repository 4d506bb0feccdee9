import { App, Tags } from 'aws-cdk-lib';
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

const stateful = new StatefulStack(app, `${prefix}Stateful`, { env, terminationProtection: true });
new ServiceStack(app, `${prefix}Service`, {
  env,
  stateful,
  ...(rateLimitContext !== undefined ? { rateLimit: Number(rateLimitContext) } : {}),
});
Tags.of(app).add('application', 'perimeter');
