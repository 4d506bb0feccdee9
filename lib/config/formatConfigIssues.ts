import type { z } from 'zod';

/**
 * zod issues as lines an operator can act on: the path spelled like the JSON
 * (`policy.rules[2].grant[0].app`), the rule's id when the issue is inside a rule, and the message.
 */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
      const ruleIndex = issue.path[0] === 'policy' && issue.path[1] === 'rules' ? issue.path[2] : undefined;
      const ruleId = typeof ruleIndex === 'number' ? ruleIdAt(input, ruleIndex) : undefined;
      return `- ${path || '(root)'}${ruleId ? ` (rule "${ruleId}")` : ''}: ${issue.message}`;
    })
    .join('\n');
}

function ruleIdAt(input: unknown, index: number): string | undefined {
  const rules = (input as { policy?: { rules?: unknown[] } } | null)?.policy?.rules;
  const id = (rules?.[index] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
