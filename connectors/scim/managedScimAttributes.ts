import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { primaryEmail } from './primaryEmail.js';
import { SCIM_URNS } from './scimUrns.js';
import type { ScimUser } from './scimUserSchema.js';

/** One User attribute Perimeter owns, with the value the person calls for. */
export interface ManagedScimAttribute {
  /** The PATCH path (RFC 7644 §3.5.2), URN-prefixed for extension attributes. */
  readonly path: string;
  readonly value: unknown;
  /** Whether the app already holds this value, so an update that changes nothing writes nothing. */
  isCurrent(user: ScimUser): boolean;
  /** Sets the value on a whole resource (create bodies and PUT). */
  applyTo(resource: Record<string, unknown>): void;
}

/**
 * The attributes a person's snapshot sets on their account: name, displayName, title, the work
 * email and the enterprise department. An attribute the snapshot leaves out is left alone rather
 * than cleared, since the planner sends what it knows, not a full profile.
 */
export function managedScimAttributes(person: PersonSnapshot): readonly ManagedScimAttribute[] {
  const attributes: ManagedScimAttribute[] = [];
  if (person.displayName !== undefined) attributes.push(topLevel('displayName', person.displayName));
  if (person.title !== undefined) attributes.push(topLevel('title', person.title));
  if (person.givenName !== undefined) attributes.push(nameSubAttribute('givenName', person.givenName));
  if (person.familyName !== undefined) attributes.push(nameSubAttribute('familyName', person.familyName));
  if (person.email !== undefined) attributes.push(workEmail(person.email));
  if (person.department !== undefined) attributes.push(enterpriseDepartment(person.department));
  return attributes;
}

function topLevel(name: 'displayName' | 'title', value: string): ManagedScimAttribute {
  return {
    path: name,
    value,
    isCurrent: (user) => user[name] === value,
    applyTo: (resource) => {
      resource[name] = value;
    },
  };
}

function nameSubAttribute(name: 'givenName' | 'familyName', value: string): ManagedScimAttribute {
  return {
    path: `name.${name}`,
    value,
    isCurrent: (user) => user.name?.[name] === value,
    applyTo: (resource) => {
      resource.name = { ...asRecord(resource.name), [name]: value };
    },
  };
}

function workEmail(email: string): ManagedScimAttribute {
  // The whole `emails` list is replaced: a value-filtered path (emails[type eq "work"].value) is the
  // part of RFC 7644 PATCH that apps support least, while replacing the attribute works everywhere.
  const value = [{ value: email, type: 'work', primary: true }];
  return {
    path: 'emails',
    value,
    // Email addresses compare case-insensitively in practice (RFC 7643 §4.1.2 leaves it to the app).
    isCurrent: (user) => primaryEmail(user)?.toLowerCase() === email.toLowerCase(),
    applyTo: (resource) => {
      resource.emails = value;
    },
  };
}

function enterpriseDepartment(department: string): ManagedScimAttribute {
  return {
    path: `${SCIM_URNS.enterpriseUser}:department`,
    value: department,
    isCurrent: (user) => user[SCIM_URNS.enterpriseUser]?.department === department,
    applyTo: (resource) => {
      resource[SCIM_URNS.enterpriseUser] = { ...asRecord(resource[SCIM_URNS.enterpriseUser]), department };
      const schemas = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : [SCIM_URNS.user];
      if (!schemas.includes(SCIM_URNS.enterpriseUser)) resource.schemas = [...schemas, SCIM_URNS.enterpriseUser];
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
