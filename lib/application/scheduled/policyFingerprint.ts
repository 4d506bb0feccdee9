import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonicalJson.js';
import type { PerimeterConfig } from '../../config/perimeterConfigSchema.js';

/**
 * What decides who should hold what: the rules, the apps (by id and type) and the leaver plans.
 * A change of any of them can leave people without access policy now gives them, or with access
 * it no longer does. Tuning (rates, concurrency, credentials, settings) does not count.
 */
export function policyFingerprint(config: Pick<PerimeterConfig, 'policy' | 'connectors' | 'leaver'>): string {
  const decisive = {
    rules: config.policy.rules,
    apps: config.connectors.map((connector) => ({ id: connector.id, type: connector.type })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    leaver: config.leaver,
  };
  return createHash('sha256').update(canonicalJson(decisive)).digest('hex');
}
