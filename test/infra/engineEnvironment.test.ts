import { describe, expect, it } from 'vitest';
import { ENGINE_ENVIRONMENT_VARIABLES } from '../../functions/shared/engineEnvironmentVariables.js';
import { type EngineEnvironment, readEngineEnvironment } from '../../functions/shared/readEngineEnvironment.js';
import { engineEnvironment } from '../../infra/constructs/engineEnvironment.js';

// The engine's environment crosses from infra (which sets it on every engine function) to
// functions/shared (which reads it at cold start). A variable set on one side only would fail a
// deployed function at start-up, or be dead weight in every template: these catch both here.

/** Every value distinct, and the secret prefix not the reader's default, so a swapped or unread variable shows. */
const deployed: EngineEnvironment = {
  tables: { directory: 'directory-table', ledger: 'ledger-table', access: 'access-table', operations: 'operations-table' },
  configParameter: '/perimeter/engine-config',
  stepQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/steps.fifo',
  lockoutQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/lockouts.fifo',
  scheduler: {
    groupName: 'perimeter-jobs',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:PerimeterService-ScheduledJob',
    roleArn: 'arn:aws:iam::123456789012:role/PerimeterService-SchedulerRole',
  },
  secretPrefix: 'acme-perimeter/',
};

/** The variables readEngineEnvironment asks for, whatever it does with them. */
function variablesRead(): string[] {
  const asked = new Set<string>();
  readEngineEnvironment(
    new Proxy({} as Record<string, string>, {
      get: (_, name): string => {
        if (typeof name === 'string') asked.add(name);
        return 'x';
      },
    }),
  );
  return [...asked];
}

describe('the engine environment', () => {
  it('reads back, value for value, what infra sets', () => {
    // Act
    const read = readEngineEnvironment(engineEnvironment(deployed));

    // Assess
    expect(read).toEqual(deployed);
  });

  it('reads exactly the variables infra sets, the names of ENGINE_ENVIRONMENT_VARIABLES', () => {
    // Act
    const set = Object.keys(engineEnvironment(deployed));

    // Assess
    expect(variablesRead().sort()).toEqual([...set].sort());
    expect([...set].sort()).toEqual(Object.values(ENGINE_ENVIRONMENT_VARIABLES).sort());
  });
});
