import { createHash } from 'node:crypto';
import { identifierKeys } from '../../../directory/identifiers/identifierKeys.js';
import type { GroupRecord, MembershipChange, ResourceKey, ResourceType, UserRecord } from '../../../domain/DirectoryRecords.js';
import type { Membership } from '../../../ports/DirectoryStore.js';
import type { Item, ItemKey } from './DirectoryTable.js';

/*
 * Users, groups and membership rows as directory-table items (README "Data model"). Items written
 * by earlier versions must keep reading the same, so key formats and attribute names here only
 * ever gain, never change. The outbox attributes, userName claims and match-key entries have their
 * own files; what is here is what the store reads back as records.
 */

function resourceKey(key: ResourceKey): ItemKey {
  return { pk: `${key.type.toUpperCase()}#${key.id}`, sk: key.type.toUpperCase() };
}

/**
 * What makes two userNames the same: their RFC 8265 canonical form (README "Identifiers"). For the
 * names earlier versions accepted that the rules accept too, this is the NFC lower-case key those
 * versions claimed, except for fullwidth and halfwidth forms, which the match-index backfill
 * claims anew.
 */
function userNameKey(userName: string): string {
  return identifierKeys.userName(userName);
}

/** Past this many bytes a skeleton is claimed by its digest: a claim's key must fit DynamoDB's 2048. */
const MAX_SKELETON_KEY_BYTES = 512;

/**
 * What makes two userNames look alike: the UTS #39 skeleton of the canonical form. A skeleton can
 * be several times longer than its name ("m" is "rn"), so a long one is kept as its SHA-256.
 */
function lookalikeKey(userName: string): string {
  const skeleton = identifierKeys.lookalike(userName);
  return Buffer.byteLength(skeleton, 'utf8') <= MAX_SKELETON_KEY_BYTES ? skeleton : `sha256:${createHash('sha256').update(skeleton, 'utf8').digest('hex')}`;
}

/** gsi1 partition listing every resource of a type. */
function typeIndexKey(type: ResourceType): string {
  return `TYPE#${type}`;
}

/** gsi2 partition finding resources by externalId. */
function externalIdIndexKey(type: ResourceType, externalId: string): string {
  return `EXT#${type}#${externalId}`;
}

/** gsi1 partition (overloaded) listing the groups a member belongs to. */
function memberOfIndexKey(memberId: string): string {
  return `MEMBEROF#${memberId}`;
}

/** One row per member, under the group's partition, so a group of any size fits. */
function membershipKey(groupId: string, memberId: string): ItemKey {
  return { pk: `GROUP#${groupId}`, sk: `MEMBER#${memberId}` };
}

function userItem(user: UserRecord): Item & ItemKey {
  return {
    ...resourceKey({ type: 'User', id: user.id }),
    type: 'User',
    id: user.id,
    userName: user.userName,
    // The name this user holds a claim on: compared when another user wants it, released with the item.
    userNameKey: userNameKey(user.userName),
    lookalikeKey: lookalikeKey(user.userName),
    active: user.active,
    ...(user.sources ? { sources: user.sources } : {}),
    ...(user.activeSetBy ? { activeSetBy: user.activeSetBy } : {}),
    ...commonAttributes(user, 'User'),
  };
}

function groupItem(group: GroupRecord): Item & ItemKey {
  return {
    ...resourceKey({ type: 'Group', id: group.id }),
    type: 'Group',
    id: group.id,
    displayName: group.displayName,
    ...commonAttributes(group, 'Group'),
  };
}

function commonAttributes(record: UserRecord | GroupRecord, type: ResourceType): Item {
  return {
    externalId: record.externalId,
    version: record.version,
    created: record.created,
    lastModified: record.lastModified,
    // JSON keeps SCIM values exactly as validated (DynamoDB maps would drop empty sets, reorder, ...).
    data: JSON.stringify(record.attributes),
    gsi1pk: typeIndexKey(type),
    gsi1sk: record.id,
    ...(record.externalId ? { gsi2pk: externalIdIndexKey(type, record.externalId), gsi2sk: record.id } : {}),
  };
}

function toUser(item: Item): UserRecord {
  return {
    ...baseRecord(item),
    userName: String(item.userName),
    active: item.active === true,
    ...(item.sources !== null && typeof item.sources === 'object' ? { sources: item.sources as Record<string, string> } : {}),
    ...(typeof item.activeSetBy === 'string' ? { activeSetBy: item.activeSetBy } : {}),
  };
}

function toGroup(item: Item): GroupRecord {
  return { ...baseRecord(item), displayName: String(item.displayName) };
}

function baseRecord(item: Item): Omit<UserRecord, 'userName' | 'active'> {
  return {
    id: String(item.id),
    ...(typeof item.externalId === 'string' ? { externalId: item.externalId } : {}),
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
    attributes: JSON.parse(String(item.data)) as Record<string, unknown>,
  };
}

/** A current member's row, at the version of the write that added it. */
function membershipItem(change: MembershipChange): Item {
  return { ...membershipRow(change), gsi1pk: memberOfIndexKey(change.memberId), gsi1sk: change.groupId };
}

/** What a removal leaves: the row's version, out of the member-of index, skipped by membersOf. */
function membershipRemovedItem(change: MembershipChange): Item {
  return { ...membershipRow(change), removed: true };
}

function membershipRow(change: MembershipChange): Item {
  return {
    ...membershipKey(change.groupId, change.memberId),
    type: 'Membership',
    groupId: change.groupId,
    memberId: change.memberId,
    memberType: change.memberType,
    ...(change.version === undefined ? {} : { version: change.version }),
  };
}

/** A row read from the partition of `groupId` (the group is the one the query asked for). */
function toMembership(groupId: string, item: Item): Membership {
  return { groupId, memberId: String(item.memberId), memberType: item.memberType as ResourceType };
}

export const directoryItemCodec = {
  resourceKey,
  userNameKey,
  lookalikeKey,
  typeIndexKey,
  externalIdIndexKey,
  memberOfIndexKey,
  membershipKey,
  userItem,
  groupItem,
  toUser,
  toGroup,
  membershipItem,
  membershipRemovedItem,
  toMembership,
} as const;
