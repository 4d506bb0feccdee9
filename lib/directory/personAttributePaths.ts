import { ENTERPRISE_USER_SCHEMA } from '../domain/ENTERPRISE_USER_SCHEMA.js';
import type { PersonAttribute } from '../domain/PersonAttribute.js';

/**
 * Where each ownable person attribute lives in a directory record's SCIM attributes: a core
 * attribute, or one of the enterprise extension. `groups` is absent: memberships are written only
 * through /Groups, which only the IdP speaks.
 */
export const personAttributePaths: Readonly<Record<Exclude<PersonAttribute, 'groups'>, readonly string[]>> = {
  employmentStatus: ['active'],
  userName: ['userName'],
  emails: ['emails'],
  name: ['name'],
  displayName: ['displayName'],
  phoneNumbers: ['phoneNumbers'],
  title: ['title'],
  employmentType: ['userType'],
  location: ['addresses'],
  timezone: ['timezone'],
  department: [ENTERPRISE_USER_SCHEMA, 'department'],
  division: [ENTERPRISE_USER_SCHEMA, 'division'],
  organization: [ENTERPRISE_USER_SCHEMA, 'organization'],
  costCenter: [ENTERPRISE_USER_SCHEMA, 'costCenter'],
  employeeNumber: [ENTERPRISE_USER_SCHEMA, 'employeeNumber'],
  manager: [ENTERPRISE_USER_SCHEMA, 'manager'],
};
