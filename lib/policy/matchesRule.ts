import type { Matcher, PolicyRule, PredicateAttribute } from '../config/perimeterConfigSchema.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';

/** The values of a person an attribute predicate is tested against (groups: names and ids). */
export interface PersonFacts {
  readonly person: PersonSnapshot;
  readonly groups: readonly string[];
}

/** True when every attribute in the rule's `when` matches the person (an empty `when` always does). */
export function matchesRule(rule: PolicyRule, facts: PersonFacts): boolean {
  return Object.entries(rule.when).every(([attribute, matcher]) =>
    matcher === undefined ? true : matches(matcher, valuesOf(attribute as PredicateAttribute, facts)),
  );
}

function valuesOf(attribute: PredicateAttribute, { person, groups }: PersonFacts): string[] {
  const single = (value: string | undefined): string[] => (value === undefined || value === '' ? [] : [value]);
  switch (attribute) {
    case 'groups':
      return [...groups];
    case 'employmentType':
      return single(person.userType);
    default:
      return single(person[attribute]);
  }
}

function matches(matcher: Matcher, values: readonly string[]): boolean {
  const lower = values.map((value) => value.toLowerCase());
  const anyOf = (candidates: readonly string[]): boolean => candidates.some((candidate) => lower.includes(candidate.toLowerCase()));
  if (typeof matcher === 'string') return anyOf([matcher]);
  if (Array.isArray(matcher)) return anyOf(matcher);
  if ('anyOf' in matcher) return anyOf(matcher.anyOf);
  if ('noneOf' in matcher) return !anyOf(matcher.noneOf);
  const pattern = new RegExp(matcher.matches, 'i');
  return values.some((value) => pattern.test(value));
}
