import { DirectoryError } from '../domain/DirectoryError.js';
import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { PeopleDirectory, WriteOrigin } from '../directory/PeopleDirectory.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { Scheduler } from '../ports/Scheduler.js';
import { isScimError } from '../scim/scimError.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/scimSchemas.js';
import { validateResource } from '../scim/validateResource.js';
import type { HrEvent } from '../domain/HrEvent.js';
import { emailKey, employeeNumberKey, hrMatchKeys } from '../directory/hrMatchKeys.js';
import { effectiveInstant } from './effectiveInstant.js';
import { HrEventError } from './HrEventError.js';
import { mergeHrAttributes } from './mergeHrAttributes.js';

export interface HrEventApplierDependencies {
  readonly people: PeopleDirectory;
  readonly directory: DirectoryStore;
  readonly scheduler: Scheduler;
  readonly ledger: Ledger;
  readonly now?: () => Date;
}

export type HrOutcome =
  | { readonly outcome: 'applied'; readonly personId: string; readonly kind: HrEvent['kind'] }
  | { readonly outcome: 'scheduled'; readonly jobId: string; readonly runAt: string; readonly personId?: string }
  | { readonly outcome: 'ignored'; readonly reason: string }
  /** Older than the last applied event of the same source about the person: recorded, not applied. */
  | { readonly outcome: 'stale'; readonly personId: string; readonly lastAppliedAt: string };

/** A termination dated within this much of now takes effect now (clock skew, same-day exits). */
const EFFECTIVE_NOW_MS = 60_000;

/** The scheduler job that will terminate this employee (one per employee, so a rehire can cancel it). */
export const terminationJobId = (event: Pick<HrEvent, 'source' | 'employeeId'>): string => `hr-terminate-${event.source}-${event.employeeId}`;

/** What an event will do to the directory, worked out (and validated) before anything is written. */
type PreparedChange =
  | { readonly kind: 'schedule'; readonly runAt: string; readonly person: UserRecord | undefined }
  | { readonly kind: 'update'; readonly person: UserRecord; readonly managerId: string | undefined }
  | { readonly kind: 'create'; readonly attributes: Record<string, unknown> }
  | { readonly kind: 'ignore'; readonly reason: string };

/**
 * Turns an HR event into a directory change, which the outbox turns into a lifecycle event, a
 * ledger record and a plan, exactly as for SCIM. People are matched by the HR link
 * (externalId "hr:<source>:<id>"), then employee number, then work email; HR-only people are
 * created. A termination dated in the future is scheduled and runs then; a rehire (or a new hire
 * of the same employee) cancels a pending termination.
 *
 * The change is validated before anything is written, and a change the directory refuses is an
 * HrEventError (a client error), never a bare SCIM error the webhook endpoint would take for a
 * store failure.
 */
export class HrEventApplier {
  private readonly now: () => Date;

  public constructor(private readonly deps: HrEventApplierDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Throws the HrEventError that applying these events in order now would throw for their content,
   * writing nothing. A delivery batching several events checks them all first, so one the
   * directory cannot hold refuses the delivery before any of the others changed anything. Each
   * event is checked against its person as the batch's earlier events leave them (a hire then a
   * termination of one employee: the termination's attributes on top of the hire's), or a later
   * event could pass alone and fail once the earlier ones are applied.
   */
  public async check(events: readonly HrEvent[], options: { due?: boolean } = {}): Promise<void> {
    // People as the batch leaves them: by person id, and by HR link for people it creates.
    const after = new Map<string, UserRecord>();
    const at = this.now().toISOString();
    for (const event of events) {
      const link = `hr:${event.source}:${event.employeeId}`;
      const lookup = async (wanted: HrEvent): Promise<UserRecord | undefined> => {
        const created = wanted === event ? after.get(link) : undefined;
        const found = created ?? (await this.find(wanted));
        return found ? (after.get(found.id) ?? found) : undefined;
      };
      const change = await this.prepare(event, options, lookup);
      if (change.kind === 'update') {
        const attributes = await this.attributes(change.person, event, activeAfter(event, change.person), change.managerId);
        after.set(change.person.id, { ...change.person, active: attributes.active !== false, attributes });
      } else if (change.kind === 'create') {
        const attributes = change.attributes;
        after.set(link, { id: link, userName: String(attributes.userName), active: attributes.active !== false, version: 0, created: at, lastModified: at, attributes });
      }
    }
  }

  /** Applies the event; `due` means it comes from the scheduler and takes effect now. */
  public async apply(event: HrEvent, options: { due?: boolean } = {}): Promise<HrOutcome> {
    const origin: WriteOrigin = {
      source: sourceOf(event),
      happenedAt: happenedAtOf(event, this.now()),
      by: { channel: 'hr-webhook', actor: `hr:${event.source}`, requestId: event.messageId, operation: `POST /hooks/hr/${event.source} (${event.kind})` },
    };
    const change = await this.prepare(event, options);
    switch (change.kind) {
      case 'schedule': {
        const jobId = terminationJobId(event);
        await this.deps.scheduler.schedule({ id: jobId, runAt: change.runAt, work: { kind: 'hr-event', event }, ...(change.person ? { personId: change.person.id } : {}) });
        if (change.person) await this.record(change.person.id, 'hr.termination-scheduled', event, { runAt: change.runAt, jobId });
        return { outcome: 'scheduled', jobId, runAt: change.runAt, ...(change.person ? { personId: change.person.id } : {}) };
      }
      case 'ignore':
        return { outcome: 'ignored', reason: change.reason };
      case 'create': {
        const created = await refusalsAsHrEventErrors(() => this.deps.people.create(change.attributes, origin));
        await this.afterApplied(event, undefined);
        return { outcome: 'applied', personId: created.id, kind: event.kind };
      }
      case 'update': {
        // The directory re-runs this on the person as the write finds them (a SCIM leaver, another
        // HR event meanwhile): the event's change is re-applied, never a stale whole record.
        const write = await refusalsAsHrEventErrors(() =>
          this.deps.people.update(change.person.id, origin, async (current) => this.attributes(current, event, activeAfter(event, current), change.managerId)),
        );
        if (write.outcome === 'stale') {
          const lastAppliedAt = write.lastAppliedAt ?? '';
          await this.record(write.user.id, 'hr.event-stale', event, { kind: event.kind, occurredAt: origin.happenedAt, lastAppliedAt }, 'skipped');
          return { outcome: 'stale', personId: write.user.id, lastAppliedAt };
        }
        await this.afterApplied(event, write.user);
        return { outcome: 'applied', personId: write.user.id, kind: event.kind };
      }
    }
  }

  /** After the person's write, so an event the directory refuses has not cancelled anything. */
  private async afterApplied(event: HrEvent, person: UserRecord | undefined): Promise<void> {
    if (event.kind === 'hire' || event.kind === 'rehire') await this.cancelTermination(event, person);
  }

  private async prepare(event: HrEvent, options: { due?: boolean }, lookup = (wanted: HrEvent) => this.find(wanted)): Promise<PreparedChange> {
    const person = await lookup(event);
    if (event.kind === 'terminate') {
      const timeZone = event.attributes.timezone ?? stringOr(person?.attributes.timezone);
      const effective = event.effectiveAt ? effectiveInstant(event.effectiveAt, timeZone) : Number.NaN;
      if (!options.due && !Number.isNaN(effective) && effective - this.now().getTime() > EFFECTIVE_NOW_MS) {
        return { kind: 'schedule', runAt: new Date(effective).toISOString(), person };
      }
      if (!person) return { kind: 'ignore', reason: `no person matches ${event.source} employee ${event.employeeId}` };
    }
    const managerId = await this.managerId(event);
    if (person) {
      // Checked now against the person as read, so a batch refuses an invalid event before any write.
      await this.attributes(person, event, activeAfter(event, person), managerId);
      return { kind: 'update', person, managerId };
    }
    if (!event.attributes.workEmail) {
      return { kind: 'ignore', reason: `${event.source} employee ${event.employeeId} has no work email to create an account from` };
    }
    return { kind: 'create', attributes: await this.attributes(undefined, event, true, managerId) };
  }

  private async cancelTermination(event: HrEvent, person: UserRecord | undefined): Promise<void> {
    const job = await this.deps.scheduler.get(terminationJobId(event));
    if (!job) return;
    await this.deps.scheduler.cancel(terminationJobId(event));
    if (person) await this.record(person.id, 'hr.termination-cancelled', event, { jobId: job.id, wasDue: job.runAt });
  }

  /** The person's attributes after the event, validated as the SCIM service validates a write. */
  private async attributes(person: UserRecord | undefined, event: HrEvent, active: boolean, managerId: string | undefined): Promise<Record<string, unknown>> {
    const attributes = mergeHrAttributes(person?.attributes ?? {}, event, active, managerId);
    const schemas = [USER_SCHEMA, ...(attributes[ENTERPRISE_USER_SCHEMA] ? [ENTERPRISE_USER_SCHEMA] : [])];
    const body = { schemas, ...attributes, ...(person ? {} : { externalId: `hr:${event.source}:${event.employeeId}` }) };
    return refusalsAsHrEventErrors(async () => validateResource('User', body).attributes);
  }

  private async managerId(event: HrEvent): Promise<string | undefined> {
    const { managerEmployeeId, managerEmail } = event.attributes;
    if (!managerEmployeeId && !managerEmail) return undefined;
    const manager = await this.find({ ...event, employeeId: managerEmployeeId ?? '', attributes: { ...(managerEmail ? { workEmail: managerEmail } : {}) } });
    return manager?.id;
  }

  private async find(event: HrEvent): Promise<UserRecord | undefined> {
    const { directory } = this.deps;
    if (event.employeeId) {
      const linked = await directory.findIdsByExternalId('User', `hr:${event.source}:${event.employeeId}`);
      if (linked[0]) return directory.getUser(linked[0]);
    }
    const number = event.attributes.employeeNumber ?? (event.employeeId || undefined);
    // Compared by canonical form (README "Identifiers") in the userName lookup and the match keys.
    const email = event.attributes.workEmail;
    if (email) {
      const byUserName = await directory.findUserByUserName(email);
      if (byUserName) return byUserName;
    }
    // Fall back to the enterprise employee number, then any email the directory holds: through the
    // match-key index, or, until the index covers users written before it existed, every user.
    const wanted = [...(number !== undefined ? [employeeNumberKey(number)] : []), ...(email ? [emailKey(email)] : [])];
    if (await directory.hasMatchIndex()) {
      for (const matchKey of wanted) {
        const candidates = await directory.getUsers(await directory.findUserIdsByMatchKey(matchKey));
        // The index may name users that have since lost the key; the user record decides.
        const match = candidates.sort((a, b) => a.id.localeCompare(b.id)).find((user) => hrMatchKeys(user.attributes).includes(matchKey));
        if (match) return match;
      }
      return undefined;
    }
    const users = await directory.listUsers();
    for (const matchKey of wanted) {
      const match = users.find((user) => hrMatchKeys(user.attributes).includes(matchKey));
      if (match) return match;
    }
    return undefined;
  }

  private async record(personId: string, type: string, event: HrEvent, detail: Record<string, unknown>, outcome: 'recorded' | 'skipped' = 'recorded'): Promise<void> {
    await this.deps.ledger.append({
      eventId: `${type}:${event.source}:${event.messageId}`,
      chain: `person#${personId}`,
      type,
      occurredAt: this.now().toISOString(),
      source: { channel: 'hr-webhook', actor: `hr:${event.source}`, requestId: event.messageId },
      outcome,
      personId,
      detail: { employeeId: event.employeeId, effectiveAt: event.effectiveAt, ...detail },
    });
  }
}

/** The source as the person's clock knows it. */
const sourceOf = (event: Pick<HrEvent, 'source'>): string => `hr:${event.source}`;

/** When the event happened, as the sender says (else when it arrived), as a comparable ISO time. */
function happenedAtOf(event: HrEvent, now: Date): string {
  const at = event.occurredAt ? Date.parse(event.occurredAt) : Number.NaN;
  return Number.isNaN(at) ? now.toISOString() : new Date(at).toISOString();
}

/** Whether the person is active after the event: a termination ends it, a hire starts it, an update keeps it. */
function activeAfter(event: HrEvent, person: UserRecord): boolean {
  if (event.kind === 'terminate') return false;
  return event.kind === 'update' ? person.active : true;
}

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A refusal from the directory or the SCIM schema, as the HrEventError it means for an HR event. */
async function refusalsAsHrEventErrors<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // A userName taken meanwhile, or the person deleted meanwhile, is a race; the rest is content.
    if (error instanceof DirectoryError && (error.code === 'uniqueness' || error.code === 'notFound')) {
      throw new HrEventError('conflict', `The directory refused the change: ${error.code === 'uniqueness' ? 'userName is already in use' : 'the person was deleted meanwhile'}`, { cause: error });
    }
    if (!isScimError(error) || error.status >= 500) throw error;
    throw new HrEventError('invalid', `The directory refused the change: ${error.message}`, { cause: error });
  }
}
