import type { PolicyRule } from '../config/perimeterConfigSchema.js';
import type { DesiredAccess, DesiredApp } from './DesiredAccess.js';
import { matchesRule, type PersonFacts } from './matchesRule.js';

/**
 * Birthright access: the union of what every matching rule grants. An inactive person (or a locked
 * one) is entitled to nothing — least privilege by default.
 */
export function evaluatePolicy(rules: readonly PolicyRule[], facts: PersonFacts, locked = false): DesiredAccess {
  const desired = new Map<string, { accountRules: string[]; entitlements: Map<string, string[]> }>();
  if (!facts.person.active || locked) return new Map();
  for (const rule of rules) {
    if (!matchesRule(rule, facts)) continue;
    for (const grant of rule.grant) {
      const app = desired.get(grant.app) ?? { accountRules: [], entitlements: new Map<string, string[]>() };
      app.accountRules.push(rule.id);
      for (const entitlement of grant.entitlements) {
        app.entitlements.set(entitlement, [...(app.entitlements.get(entitlement) ?? []), rule.id]);
      }
      desired.set(grant.app, app);
    }
  }
  return new Map([...desired].map(([app, value]): [string, DesiredApp] => [app, { app, ...value }]));
}
