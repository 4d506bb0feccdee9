/** GitHub's rule for user and organization logins: letters, digits and single inner hyphens, 1–39 long. */
const GITHUB_LOGIN = /^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/;

/**
 * Whether `value` can be a GitHub login. Checked before a login goes into a URL path, so a mapping
 * mistake (an email that kept its domain) fails as a clear, non-retryable error instead of a 404.
 */
export function isGitHubLogin(value: string): boolean {
  return GITHUB_LOGIN.test(value);
}
