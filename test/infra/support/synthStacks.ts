import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { EngineConfigSource } from '../../../infra/constructs/EngineConfigParameter.js';
import { ServiceStack, type ServiceStackProps } from '../../../infra/stacks/ServiceStack.js';
import { StatefulStack, type StatefulStackProps } from '../../../infra/stacks/StatefulStack.js';

export const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
// TableV2 with a customer-managed key renders per-region replica settings, so it needs a region.
export const env = { account: '123456789012', region: 'eu-west-1' };

export interface SynthOptions {
  readonly engineConfig?: EngineConfigSource;
  readonly stateful?: Pick<StatefulStackProps, 'archiveRetentionDays'>;
  readonly service?: Partial<ServiceStackProps>;
}

export interface SynthesisedStacks {
  readonly stateful: Template;
  readonly service: Template;
  readonly serviceStack: ServiceStack;
  readonly app: App;
}

/**
 * Synthesis takes seconds, so each options value is synthesised once per test file (vitest gives
 * every file its own module instance, hence its own cache) and shared by every test that asks for
 * it. The result must not be changed; a test that adds to the tree takes synthFresh.
 */
const synthesised = new Map<string, SynthesisedStacks>();

export function synth(options: SynthOptions = {}): SynthesisedStacks {
  // NaN and Infinity would all be null in plain JSON.
  const key = JSON.stringify(options, (_, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value));
  const cached = synthesised.get(key);
  if (cached !== undefined) return cached;
  const stacks = synthFresh(options);
  synthesised.set(key, stacks);
  return stacks;
}

/** A synthesis of its own, for a test that changes the tree (the cached ones are shared). */
export function synthFresh(options: SynthOptions = {}): SynthesisedStacks {
  // Skip esbuild bundling: these tests are about the templates, not the bundle. Skip CDK's built-in
  // CloudFormation validation too (its first run costs ~10 s per file): app.test.ts synthesises the
  // real app, where it runs, and checks its report is clean.
  const app = new App({ builtinCloudFormationValidation: false, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const stateful = new StatefulStack(app, 'TestStateful', {
    env,
    ...(options.engineConfig !== undefined ? { engineConfig: options.engineConfig } : {}),
    ...options.stateful,
  });
  const service = new ServiceStack(app, 'TestService', { env, stateful, ...options.service });
  return { stateful: Template.fromStack(stateful), service: Template.fromStack(service), serviceStack: service, app };
}

/** Synthesises with an engine config given as an object. */
export function synthConfig(config: unknown): SynthesisedStacks {
  return synth({ engineConfig: { text: JSON.stringify(config), origin: 'perimeter.json' } });
}

export const validConfig = {
  connectors: [{ id: 'github', type: 'github', settings: { org: 'acme' }, credential: { secret: 'perimeter/github' } }],
  policy: { rules: [{ id: 'eng-github', when: { department: 'Engineering' }, grant: [{ app: 'github', entitlements: ['team:platform'] }] }] },
  reconciliation: { intervalMinutes: 360 },
};
export const badConfig = {
  ...validConfig,
  policy: { rules: [...validConfig.policy.rules, { id: 'sales-slack', grant: [{ app: 'slack' }] }] },
};

/** Two connectors, one of them rotating its credential every 12 hours. */
export const rotationConfig = {
  connectors: [
    { id: 'github', type: 'github', settings: { org: 'acme' }, credential: { secret: 'perimeter/github' }, rotation: { intervalHours: 12 } },
    { id: 'slack', type: 'slack', settings: {}, credential: { secret: 'perimeter/slack' } },
  ],
};
