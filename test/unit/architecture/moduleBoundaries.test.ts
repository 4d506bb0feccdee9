import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The boundaries live in eslint.config.js (run by `npm test`); this proves they bite, file by file,
// so a rule that stopped matching (a renamed folder, a changed resolver) fails here, not silently.
const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('module boundaries', () => {
  it.each([
    ['lib/domain/Probe.ts', "import type { Planner } from '../plan/Planner.js';\nexport type P = Planner;\n", 'import-x/no-restricted-paths'],
    ['lib/ports/Probe.ts', "import type { Ledger } from '../ledger/Ledger.js';\nexport type P = Ledger;\n", 'import-x/no-restricted-paths'],
    ['lib/directory/Probe.ts', "import type { ScimUsers } from '../scim/ScimUsers.js';\nexport type P = ScimUsers;\n", 'import-x/no-restricted-paths'],
    ['lib/plan/Probe.ts', "import type { Application } from '../application/Application.js';\nexport type P = Application;\n", 'import-x/no-restricted-paths'],
    ['lib/application/admin/Probe.ts', "import { DynamoStepStore } from '../../adapters/dynamodb/DynamoStepStore.js';\nexport const P = DynamoStepStore;\n", 'import-x/no-restricted-paths'],
    ['lib/fanout/Probe.ts', "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const P = SQSClient;\n", '@typescript-eslint/no-restricted-imports'],
    ['connectors/slack/Probe.ts', "import type { Planner } from '../../lib/plan/Planner.js';\nexport type P = Planner;\n", 'import-x/no-restricted-paths'],
    ['functions/scim/Probe.ts', "import { ADMIN_ROUTES } from '../admin-api/routeAdminRequest.js';\nexport const P = ADMIN_ROUTES;\n", 'import-x/no-restricted-paths'],
  ])('refuses %s importing across a boundary', async (filePath, code, rule) => {
    // Act
    const found = await problems(filePath, code);

    // Assess
    expect(found.some((problem) => problem.startsWith(`${rule}:`))).toBe(true);
  });

  it.each([
    ['lib/plan/Probe.ts', "import type { PlanStep } from '../domain/PlanStep.js';\nexport type P = PlanStep;\n"],
    ['connectors/slack/Probe.ts', "import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';\nexport const P = ConnectorError;\n"],
    ['lib/application/buildProbe.ts', "import type { Planner } from '../plan/Planner.js';\nexport type P = Planner;\n"],
  ])('lets %s import downwards', async (filePath, code) => {
    expect(await problems(filePath, code)).toEqual([]);
  });
});
