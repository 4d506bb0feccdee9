import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import type { GitHubSettings } from './githubSettingsSchema.js';
import { isGitHubLogin } from './isGitHubLogin.js';

/**
 * The GitHub login a person maps to: the configured attribute, less the configured domain suffix
 * (compared case-insensitively, as email domains are). GitHub accounts belong to people, not to the
 * company, so the mapping is data the directory must hold; a person without a usable login is a
 * configuration problem, reported as a non-retryable `rejected` error that names the attribute but
 * not its value.
 */
export function githubLoginFor(person: PersonSnapshot, settings: Pick<GitHubSettings, 'loginAttribute' | 'loginDomainSuffix'>): string {
  const raw = person[settings.loginAttribute]?.trim();
  if (!raw) throw new ConnectorError('rejected', `github: the person has no ${settings.loginAttribute} to take the GitHub login from`);
  const suffix = settings.loginDomainSuffix;
  const login = suffix !== undefined && raw.toLowerCase().endsWith(suffix.toLowerCase()) ? raw.slice(0, -suffix.length) : raw;
  if (!isGitHubLogin(login)) {
    throw new ConnectorError('rejected', `github: the person's ${settings.loginAttribute} is not a GitHub login${suffix ? ` once ${suffix} is removed` : ''}`);
  }
  return login;
}
