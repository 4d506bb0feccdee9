/**
 * The person attributes an app account may be correlated by when accounts are imported (README
 * "Connecting an app that already has accounts"). A connector's config lists them in the order they
 * are tried.
 */
export const CORRELATION_RULES = ['userName', 'email', 'employeeNumber', 'externalId'] as const;
export type CorrelationRule = (typeof CORRELATION_RULES)[number];

/** Email first: it is what most apps key accounts by; the userName is the IdP's login, often the same. */
export const DEFAULT_CORRELATION: readonly CorrelationRule[] = ['email', 'userName'];
