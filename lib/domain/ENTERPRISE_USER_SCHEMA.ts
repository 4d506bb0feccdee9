/**
 * The enterprise extension's URN (RFC 7643 §4.3). Directory records keep a user's attributes keyed
 * as SCIM keys them, so code that reads a record's department or employee number without the SCIM
 * edge (policy snapshots, HR match keys) needs this name, and only this one.
 */
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
