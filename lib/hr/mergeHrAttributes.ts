import { ENTERPRISE_USER_SCHEMA } from '../scim/scimSchemas.js';
import type { HrEvent } from '../domain/HrEvent.js';

type Json = Record<string, unknown>;

/**
 * The SCIM attributes of a person after an HR event: HR's facts (name, title, department, location,
 * time zone, employment type, work email, employee number, manager) overwrite what they cover; everything else,
 * including what an IdP set, is kept. Attributes the payload did not carry are left as they are.
 */
export function mergeHrAttributes(current: Readonly<Json>, event: HrEvent, active: boolean, managerId?: string): Json {
  const a = event.attributes;
  const next: Json = structuredClone(current) as Json;
  if (typeof next.userName !== 'string' && a.workEmail) next.userName = a.workEmail;
  next.active = active;
  if (a.givenName || a.familyName) next.name = { ...(next.name as Json | undefined), ...defined({ givenName: a.givenName, familyName: a.familyName }) };
  const displayName = a.displayName ?? ([a.givenName, a.familyName].filter(Boolean).join(' ') || undefined);
  Object.assign(next, defined({ displayName, title: a.title, userType: a.employmentType, timezone: a.timezone }));
  if (a.workEmail) {
    const emails = (Array.isArray(next.emails) ? (next.emails as Json[]) : []).filter((email) => email.type !== 'work');
    next.emails = [{ value: a.workEmail, type: 'work', primary: !emails.some((email) => email.primary === true) }, ...emails];
  }
  if (a.location) {
    const addresses = (Array.isArray(next.addresses) ? (next.addresses as Json[]) : []).filter((address) => address.type !== 'work');
    next.addresses = [{ type: 'work', locality: a.location }, ...addresses];
  }
  const enterprise = defined({
    department: a.department,
    division: a.division,
    employeeNumber: a.employeeNumber ?? event.employeeId,
    ...(managerId ? { manager: { value: managerId } } : {}),
  });
  next[ENTERPRISE_USER_SCHEMA] = { ...(next[ENTERPRISE_USER_SCHEMA] as Json | undefined), ...enterprise };
  return next;
}

function defined(values: Json): Json {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
}
