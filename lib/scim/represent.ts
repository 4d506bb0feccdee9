import type { GroupRecord, UserRecord } from '../domain/DirectoryRecords.js';
import type { GroupRef } from '../domain/LifecycleEvent.js';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './scimSchemas.js';

type Json = Record<string, unknown>;

export interface MemberRef {
  readonly value: string;
  readonly type: 'User' | 'Group';
  readonly display?: string;
}

export const etagOf = (version: number): string => `W/"${version}"`;

/** A stored user as the SCIM API returns it; `groups` undefined leaves the attribute out. */
export function representUser(user: UserRecord, baseUrl: string, groups?: readonly GroupRef[]): Json {
  const { externalId: _externalId, ...attributes } = user.attributes as Json;
  return {
    schemas: [USER_SCHEMA, ...(attributes[ENTERPRISE_USER_SCHEMA] ? [ENTERPRISE_USER_SCHEMA] : [])],
    id: user.id,
    ...(user.externalId !== undefined ? { externalId: user.externalId } : {}),
    ...attributes,
    ...(groups?.length
      ? {
          groups: groups.map((group) => ({
            value: group.id,
            $ref: `${baseUrl}/Groups/${group.id}`,
            display: group.displayName,
            type: 'direct',
          })),
        }
      : {}),
    meta: meta('User', user, baseUrl),
  };
}

export function representGroup(group: GroupRecord, baseUrl: string, members?: readonly MemberRef[]): Json {
  const { externalId: _externalId, ...attributes } = group.attributes as Json;
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId !== undefined ? { externalId: group.externalId } : {}),
    ...attributes,
    ...(members?.length
      ? {
          members: members.map((member) => ({
            value: member.value,
            $ref: `${baseUrl}/${member.type}s/${member.value}`,
            type: member.type,
            ...(member.display !== undefined ? { display: member.display } : {}),
          })),
        }
      : {}),
    meta: meta('Group', group, baseUrl),
  };
}

function meta(resourceType: 'User' | 'Group', record: UserRecord | GroupRecord, baseUrl: string): Json {
  return {
    resourceType,
    created: record.created,
    lastModified: record.lastModified,
    location: `${baseUrl}/${resourceType}s/${record.id}`,
    version: etagOf(record.version),
  };
}
