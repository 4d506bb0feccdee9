import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';

export type GitHubEntitlement =
  /** Membership of a team, by slug: "team:platform". */
  | { readonly kind: 'team'; readonly slug: string }
  /** The organization role: "role:admin" (an owner) or "role:member". */
  | { readonly kind: 'role'; readonly role: 'admin' | 'member' };

/** Team slugs are GitHub-generated from names: letters, digits, dashes, underscores, dots. */
const TEAM_SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Reads an entitlement in the GitHub connector's vocabulary; anything else is `rejected`. */
export function parseGitHubEntitlement(entitlement: string): GitHubEntitlement {
  const [prefix, value = '', ...rest] = entitlement.split(':');
  if (rest.length === 0 && prefix === 'team' && TEAM_SLUG.test(value)) return { kind: 'team', slug: value };
  if (rest.length === 0 && prefix === 'role' && (value === 'admin' || value === 'member')) return { kind: 'role', role: value };
  throw new ConnectorError('rejected', `github: unknown entitlement "${entitlement}" (expected team:<slug>, role:admin or role:member)`);
}
