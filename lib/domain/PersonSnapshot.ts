/**
 * The attributes of a person that access decisions depend on, normalised from whatever the source
 * (SCIM user, HR record) calls them. Lifecycle events carry this, never raw payloads, so the ledger
 * holds what policy saw and nothing more (no passwords, no free-form extension data).
 */
export interface PersonSnapshot {
  readonly id: string;
  readonly userName: string;
  readonly externalId?: string;
  readonly active: boolean;
  readonly displayName?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly email?: string;
  readonly title?: string;
  readonly userType?: string;
  readonly department?: string;
  readonly division?: string;
  readonly organization?: string;
  readonly costCenter?: string;
  readonly employeeNumber?: string;
  readonly manager?: string;
  readonly location?: string;
}
