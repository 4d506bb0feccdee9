/**
 * The person attributes a feeding source can own (README "Source authority"). Names are the
 * vocabulary the config uses; lib/directory/personAttributePaths.ts says where each lives in a
 * directory record.
 */
export const PERSON_ATTRIBUTES = [
  'employmentStatus',
  'userName',
  'emails',
  'name',
  'displayName',
  'phoneNumbers',
  'title',
  'employmentType',
  'department',
  'division',
  'organization',
  'costCenter',
  'employeeNumber',
  'manager',
  'location',
  'timezone',
  'groups',
] as const;

export type PersonAttribute = (typeof PERSON_ATTRIBUTES)[number];

/** The classes of feeding source: the IdP over SCIM, and HR systems over their webhooks. */
export const SOURCE_CLASSES = ['idp', 'hr'] as const;
export type SourceClass = (typeof SOURCE_CLASSES)[number];

/** Which source class owns which attributes; an attribute nobody owns is taken from any source. */
export type AttributeAuthority = Readonly<Record<SourceClass, readonly PersonAttribute[]>>;

/**
 * The defaults: the HR system is the record of employment, the IdP of identity. A person fed by one
 * source only takes every attribute from it, so these only matter where both feed the same person.
 */
export const DEFAULT_AUTHORITY: AttributeAuthority = {
  hr: ['employmentStatus', 'department', 'title', 'manager', 'location', 'costCenter', 'employeeNumber'],
  idp: ['userName', 'emails', 'groups'],
};
