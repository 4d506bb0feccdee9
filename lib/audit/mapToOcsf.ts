import type { LedgerEvent, LedgerOutcome } from '../domain/LedgerEvent.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';

/**
 * The OCSF schema version the mapping follows (metadata.version). 1.5.0 is the newest release in
 * which User Access Management (3005) is not deprecated (1.9.0 deprecates it for User Management)
 * and has `resources`; Account Change (3001) has Unlock (12) since before 1.5.0.
 * Class definitions: https://schema.ocsf.io/1.5.0/classes/account_change,
 * https://schema.ocsf.io/1.5.0/classes/user_access, https://schema.ocsf.io/1.5.0/classes/group_management.
 */
export const OCSF_VERSION = '1.5.0';

/** OCSF User object: at least one of `account`, `name`, `uid` (schema constraint). */
export interface OcsfUser {
  readonly uid?: string;
  readonly name?: string;
  readonly email_addr?: string;
  readonly full_name?: string;
  readonly account?: { readonly uid: string; readonly name: string; readonly type_id: 99; readonly type: string };
}

/** One OCSF event as Perimeter emits it (Account Change, User Access Management, Group Management or Base Event). */
export interface OcsfEvent {
  readonly activity_id: number;
  readonly activity_name: string;
  readonly category_uid: number;
  readonly category_name: string;
  readonly class_uid: number;
  readonly class_name: string;
  readonly type_uid: number;
  readonly type_name: string;
  readonly time: number;
  readonly severity_id: number;
  readonly severity: string;
  readonly status_id: number;
  readonly status: string;
  readonly status_detail?: string;
  readonly message: string;
  readonly metadata: {
    readonly version: string;
    readonly product: { readonly name: string; readonly vendor_name: string };
    readonly uid: string;
    readonly event_code: string;
    readonly logged_time: number;
    readonly sequence: number;
    readonly log_name: string;
    readonly correlation_uid?: string;
  };
  readonly actor?: { readonly user?: OcsfUser; readonly app_name?: string };
  readonly user?: OcsfUser;
  readonly privileges?: readonly string[];
  readonly resources?: readonly { readonly uid: string; readonly name: string; readonly type: string }[];
  readonly group?: { readonly uid?: string; readonly name?: string };
  readonly unmapped: Readonly<Record<string, unknown>>;
}

export interface OcsfOptions {
  /** A person's user name when the event itself does not carry it (step events carry only the id). */
  readonly personName?: (personId: string) => string | undefined;
}

interface Classification {
  readonly classUid: number;
  readonly activityId: number;
  /** What the source calls the activity; differs from the caption only for Other (99). */
  readonly activityName: string;
}

const IAM_CATEGORY = { uid: 3, name: 'Identity & Access Management' } as const;
const UNCATEGORIZED = { uid: 0, name: 'Uncategorized' } as const;

const CLASS_NAMES: Readonly<Record<number, string>> = {
  0: 'Base Event',
  3001: 'Account Change',
  3005: 'User Access Management',
  3006: 'Group Management',
};

// Activity captions per class, from the 1.5.0 class definitions; 0 and 99 come from the base event.
const ACTIVITY_CAPTIONS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  0: { 0: 'Unknown', 99: 'Other' },
  3001: {
    0: 'Unknown', 1: 'Create', 2: 'Enable', 3: 'Password Change', 4: 'Password Reset', 5: 'Disable',
    6: 'Delete', 7: 'Attach Policy', 8: 'Detach Policy', 9: 'Lock', 10: 'MFA Factor Enable',
    11: 'MFA Factor Disable', 12: 'Unlock', 99: 'Other',
  },
  3005: { 0: 'Unknown', 1: 'Assign Privileges', 2: 'Revoke Privileges', 99: 'Other' },
  3006: {
    0: 'Unknown', 1: 'Assign Privileges', 2: 'Revoke Privileges', 3: 'Add User', 4: 'Remove User',
    5: 'Delete', 6: 'Create', 99: 'Other',
  },
};

const SEVERITY_CAPTIONS: Readonly<Record<number, string>> = { 1: 'Informational', 2: 'Low', 3: 'Medium' };
const STATUS_CAPTIONS: Readonly<Record<number, string>> = { 1: 'Success', 2: 'Failure' };

// Plan step actions (lib/plan/PlanStep.ts) to OCSF; grant and revoke are privileges, the rest accounts.
const STEP_ACTIVITIES: Readonly<Record<string, Classification>> = {
  createAccount: { classUid: 3001, activityId: 1, activityName: 'Create' },
  disableAccount: { classUid: 3001, activityId: 5, activityName: 'Disable' },
  deleteAccount: { classUid: 3001, activityId: 6, activityName: 'Delete' },
  // Account Change has no Update, session revocation or ownership transfer: Other, named by us.
  updateAccount: { classUid: 3001, activityId: 99, activityName: 'Update' },
  revokeSessions: { classUid: 3001, activityId: 99, activityName: 'Revoke Sessions' },
  transferOwnership: { classUid: 3001, activityId: 99, activityName: 'Transfer Ownership' },
  grant: { classUid: 3005, activityId: 1, activityName: 'Assign Privileges' },
  revoke: { classUid: 3005, activityId: 2, activityName: 'Revoke Privileges' },
};

const APP_ACCOUNT_TYPE = 'SaaS application';

/**
 * One ledger event as an OCSF event for SIEM ingestion (Security Lake, Splunk, Sentinel...).
 *
 * - `step.*` and `lifecycle.*` events about accounts → Account Change (3001); `admin.lockout` /
 *   `admin.unlock` → Lock / Unlock; `step.grant` / `step.revoke` → User Access Management (3005)
 *   with the entitlement in `privileges` and the app in `resources`; `group.*` → Group Management
 *   (3006). Anything else (HR schedules, credential rotation, reconciliation reports, replays) is a
 *   Base Event (class 0, activity Other) so that nothing the ledger holds vanishes from the SIEM.
 * - IAM classes have no `dst_endpoint` and Account Change has no `resources`, so the app is the
 *   target user's `account` (the Account object also stands for SaaS containers); 3005 also names it
 *   in `resources` (`resource`, singular, is deprecated since 1.5.0).
 * - status from the outcome: applied, recorded and skipped (already in place) are Success; failed and
 *   dead-lettered are Failure, with the error in `status_detail`.
 * - `unmapped` keeps what OCSF has no place for, including the chain position and hashes, so a SIEM
 *   record can be traced back to the ledger and re-verified.
 */
export function mapToOcsf(event: LedgerEvent, options: OcsfOptions = {}): OcsfEvent {
  const target = userOf(event, options);
  const classified = classify(event);
  // Account Change and User Access Management require a target user; without one, say only what we know.
  const kind = !target && (classified.classUid === 3001 || classified.classUid === 3005) ? { ...other(0), activityName: event.type } : classified;
  const className = CLASS_NAMES[kind.classUid] ?? 'Base Event';
  const caption = ACTIVITY_CAPTIONS[kind.classUid]?.[kind.activityId] ?? 'Other';
  const category = kind.classUid === 0 ? UNCATEGORIZED : IAM_CATEGORY;
  const severityId = severityOf(event.outcome);
  const statusId = event.outcome === 'failed' || event.outcome === 'dead-lettered' ? 2 : 1;
  const error = typeof event.detail?.error === 'string' ? event.detail.error : undefined;
  const isIam = kind.classUid !== 0;
  return {
    activity_id: kind.activityId,
    activity_name: kind.activityName,
    category_uid: category.uid,
    category_name: category.name,
    class_uid: kind.classUid,
    class_name: className,
    type_uid: kind.classUid * 100 + kind.activityId,
    type_name: `${className}: ${caption}`,
    time: Date.parse(event.occurredAt),
    severity_id: severityId,
    severity: SEVERITY_CAPTIONS[severityId] ?? 'Informational',
    status_id: statusId,
    status: STATUS_CAPTIONS[statusId] ?? 'Success',
    ...(statusId === 2 || event.outcome === 'skipped' ? { status_detail: error ?? event.outcome } : {}),
    message: messageOf(event, kind),
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Perimeter', vendor_name: 'Perimeter' },
      uid: event.eventId,
      event_code: event.type,
      logged_time: Date.parse(event.recordedAt),
      sequence: event.seq,
      log_name: event.chain,
      ...optional('correlation_uid', correlationOf(event)),
    },
    ...(isIam ? { actor: actorOf(event) } : {}),
    ...(isIam && target && kind.classUid !== 3006 ? { user: target } : {}),
    ...(kind.classUid === 3005
      ? {
          privileges: event.entitlement ? [event.entitlement] : [],
          ...(event.app ? { resources: [{ uid: event.app, name: event.app, type: APP_ACCOUNT_TYPE }] } : {}),
        }
      : {}),
    ...(kind.classUid === 3006 ? { group: groupOf(event) } : {}),
    unmapped: unmappedOf(event, isIam),
  };
}

function classify(event: LedgerEvent): Classification {
  const [family, action = ''] = splitType(event.type);
  if (family === 'step') return STEP_ACTIVITIES[action] ?? { ...other(0), activityName: event.type };
  if (family === 'lifecycle') return lifecycleActivity(event, action);
  if (event.type === 'admin.lockout') return { classUid: 3001, activityId: 9, activityName: 'Lock' };
  if (event.type === 'admin.unlock') return { classUid: 3001, activityId: 12, activityName: 'Unlock' };
  if (event.type === 'group.created') return { classUid: 3006, activityId: 6, activityName: 'Create' };
  if (event.type === 'group.deleted') return { classUid: 3006, activityId: 5, activityName: 'Delete' };
  if (family === 'group') return { classUid: 3006, activityId: 99, activityName: titleCase(action) };
  return { ...other(0), activityName: event.type };
}

// A joiner appears (Create) or is reactivated (Enable); a leaver is deleted or deactivated.
function lifecycleActivity(event: LedgerEvent, kind: string): Classification {
  const before = snapshot(event.before);
  const after = snapshot(event.after);
  if (kind === 'joiner') {
    return before ? { classUid: 3001, activityId: 2, activityName: 'Enable' } : { classUid: 3001, activityId: 1, activityName: 'Create' };
  }
  if (kind === 'leaver') {
    return after ? { classUid: 3001, activityId: 5, activityName: 'Disable' } : { classUid: 3001, activityId: 6, activityName: 'Delete' };
  }
  return { classUid: 3001, activityId: 99, activityName: 'Update' };
}

function other(classUid: number): Classification {
  return { classUid, activityId: 99, activityName: 'Other' };
}

function splitType(type: string): [string, string | undefined] {
  const dot = type.indexOf('.');
  return dot < 0 ? [type, undefined] : [type.slice(0, dot), type.slice(dot + 1)];
}

function titleCase(text: string): string {
  return text.replace(/(^|[-_.\s])(\w)/g, (_m, sep: string, ch: string) => `${sep ? ' ' : ''}${ch.toUpperCase()}`).trim() || 'Other';
}

// Failed steps are retried, so they are Low; a dead letter means the change did not happen and a
// human must act (a leaver may keep access), so it is Medium. Everything else is informational.
function severityOf(outcome: LedgerOutcome): number {
  if (outcome === 'dead-lettered') return 3;
  if (outcome === 'failed') return 2;
  return 1;
}

function snapshot(value: unknown): PersonSnapshot | undefined {
  return value !== null && typeof value === 'object' && typeof (value as PersonSnapshot).userName === 'string'
    ? (value as PersonSnapshot)
    : undefined;
}

function userOf(event: LedgerEvent, options: OcsfOptions): OcsfUser | undefined {
  const person = snapshot(event.after) ?? snapshot(event.before);
  const uid = event.personId ?? person?.id;
  const name = person?.userName ?? (uid !== undefined ? options.personName?.(uid) : undefined);
  if (uid === undefined && name === undefined && !event.app) return undefined;
  return {
    ...optional('uid', uid),
    ...optional('name', name),
    ...optional('email_addr', person?.email),
    ...optional('full_name', person?.displayName),
    ...(event.app ? { account: { uid: event.app, name: event.app, type_id: 99 as const, type: APP_ACCOUNT_TYPE } } : {}),
  };
}

// Admins act as people; IdPs (token label), HR systems and Perimeter's own workers act as applications.
function actorOf(event: LedgerEvent): { user?: OcsfUser; app_name?: string } {
  const { channel, actor } = event.source;
  return channel === 'admin' ? { user: { uid: actor, name: actor } } : { app_name: actor };
}

function groupOf(event: LedgerEvent): { uid?: string; name?: string } {
  const state = (event.after ?? event.before) as { displayName?: unknown } | undefined;
  const uid = event.chain.startsWith('group#') ? event.chain.slice('group#'.length) : undefined;
  const name = typeof state?.displayName === 'string' ? state.displayName : undefined;
  return { ...optional('uid', uid), ...optional('name', name ?? uid) };
}

// Steps point at the lifecycle event that caused them, so a SIEM can join a leaver to its revokes.
function correlationOf(event: LedgerEvent): string | undefined {
  if (event.type.startsWith('lifecycle.')) return event.eventId;
  const lifecycleEventId = event.detail?.lifecycleEventId;
  if (typeof lifecycleEventId === 'string') return lifecycleEventId;
  return event.source.requestId;
}

function messageOf(event: LedgerEvent, kind: Classification): string {
  const who = event.personId ? ` for ${event.personId}` : '';
  const where = event.app ? ` in ${event.app}` : '';
  const what = event.entitlement ? ` (${event.entitlement})` : '';
  return `${kind.activityName}${what}${who}${where}: ${event.outcome}`;
}

function unmappedOf(event: LedgerEvent, isIam: boolean): Record<string, unknown> {
  return {
    chain: event.chain,
    seq: event.seq,
    prev_hash: event.prevHash,
    hash: event.hash,
    event_type: event.type,
    outcome: event.outcome,
    recorded_at: event.recordedAt,
    channel: event.source.channel,
    ...optional('request_id', event.source.requestId),
    ...optional('operation', event.source.operation),
    // Base events have no actor or user attributes; keep who and whom here instead.
    ...(isIam ? {} : { actor: event.source.actor, ...optional('person_id', event.personId) }),
    ...optional('app', event.app),
    ...optional('entitlement', event.entitlement),
    ...optional('rule', event.rule),
    ...optional('before', event.before),
    ...optional('after', event.after),
    ...optional('detail', event.detail),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
