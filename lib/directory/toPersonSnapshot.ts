import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import { ENTERPRISE_USER_SCHEMA } from '../domain/ENTERPRISE_USER_SCHEMA.js';

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The policy-relevant view of a SCIM user (core plus enterprise extension). */
export function toPersonSnapshot(user: UserRecord): PersonSnapshot {
  const a = user.attributes as Json;
  const name = (a.name ?? {}) as Json;
  const enterprise = (a[ENTERPRISE_USER_SCHEMA] ?? {}) as Json;
  const emails = Array.isArray(a.emails) ? (a.emails as Json[]) : [];
  const email = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const addresses = Array.isArray(a.addresses) ? (a.addresses as Json[]) : [];
  const address = addresses.find((e) => e.primary === true) ?? addresses.find((e) => e.type === 'work') ?? addresses[0];
  const snapshot: Record<string, unknown> = {
    id: user.id,
    userName: user.userName,
    externalId: user.externalId,
    active: user.active,
    displayName: str(a.displayName),
    givenName: str(name.givenName),
    familyName: str(name.familyName),
    email: str(email?.value),
    title: str(a.title),
    userType: str(a.userType),
    department: str(enterprise.department),
    division: str(enterprise.division),
    organization: str(enterprise.organization),
    costCenter: str(enterprise.costCenter),
    employeeNumber: str(enterprise.employeeNumber),
    manager: str((enterprise.manager as Json | undefined)?.value),
    location: str(address?.locality) ?? str(address?.country),
  };
  for (const key of Object.keys(snapshot)) if (snapshot[key] === undefined) delete snapshot[key];
  return snapshot as unknown as PersonSnapshot;
}
