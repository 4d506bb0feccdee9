import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { Scheduler } from '../ports/Scheduler.js';
import type { SourceClock } from '../ports/SourceClock.js';
import type { ScimContext } from '../scim/ScimContext.js';
import type { ScimUsers } from '../scim/ScimUsers.js';
import { isScimError } from '../scim/scimError.js';
import { etagOf } from '../scim/represent.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/scimSchemas.js';
import { validateResource } from '../scim/validateResource.js';
import type { HrEvent } from '../domain/HrEvent.js';
import { emailKey, employeeNumberKey, hrMatchKeys } from '../directory/hrMatchKeys.js';
import { HrEventError } from './HrEventError.js';
import { mergeHrAttributes } from './mergeHrAttributes.js';

export interface HrEventApplierDependencies {
  readonly users: ScimUsers;
  readonly directory: DirectoryStore;
  readonly scheduler: Scheduler;
  readonly ledger: Ledger;
  /** Per person and source, when the last applied event happened: older events are stale. */
  readonly sourceClock: SourceClock;
  readonly now?: () => Date;
}

export type HrOutcome =
  | { readonly outcome: 'applied'; readonly personId: string; readonly kind: HrEvent['kind'] }
  | { readonly outcome: 'scheduled'; readonly jobId: string; readonly runAt: string; readonly personId?: string }
  | { readonly outcome: 'ignored'; readonly reason: string }
  /** Older than the last applied event of the same source about the person: recorded, not applied. */
  | { readonly outcome: 'stale'; readonly personId: string; readonly lastAppliedAt: string };

/** Re-reads and re-applies an event this often when the person changes under it, then gives up (409). */
const MAX_APPLY_ATTEMPTS = 6;

/** A termination dated within this much of now takes effect now (clock skew, same-day exits). */
const EFFECTIVE_NOW_MS = 60_000;

/** The scheduler job that will terminate this employee (one per employee, so a rehire can cancel it). */
export const terminationJobId = (event: Pick<HrEvent, 'source' | 'employeeId'>): string => `hr-terminate-${event.source}-${event.employeeId}`;

/** What an event will do to the directory, worked out (and validated) before anything is written. */
type PreparedChange =
  | { readonly kind: 'schedule'; readonly runAt: string; readonly person: UserRecord | undefined }
  | { readonly kind: 'replace'; readonly person: UserRecord; readonly body: Record<string, unknown> }
  | { readonly kind: 'create'; readonly body: Record<string, unknown> }
  | { readonly kind: 'unchanged'; readonly person: UserRecord }
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
   * Throws the HrEventError that applying the event now would throw for its content, writing
   * nothing. A delivery batching several events checks them all first, so one the directory cannot
   * hold refuses the delivery before any of the others changed anything.
   */
  public async check(event: HrEvent, options: { due?: boolean } = {}): Promise<void> {
    await this.prepare(event, options);
  }

  /** Applies the event; `due` means it comes from the scheduler and takes effect now. */
  public async apply(event: HrEvent, options: { due?: boolean } = {}): Promise<HrOutcome> {
    const context: ScimContext = {
      baseUrl: '',
      actor: `hr:${event.source}`,
      requestId: event.messageId,
      operation: `POST /hooks/hr/${event.source} (${event.kind})`,
      channel: 'hr-webhook',
    };
    const happenedAt = happenedAtOf(event, this.now());
    for (let attempt = 1; ; attempt++) {
      const change = await this.prepare(event, options);
      const stale = await this.staleness(change, event, happenedAt);
      if (stale) return stale;
      try {
        const outcome = await this.write(change, event, context);
        if (outcome.outcome === 'applied') await this.deps.sourceClock.advance(outcome.personId, sourceOf(event), happenedAt);
        return outcome;
      } catch (error) {
        // The person changed since this attempt read them (a SCIM leaver, another HR event): read
        // again and re-apply this event's change to what is there now, never the stale record.
        if (!(error instanceof HrEventError && error.cause instanceof Error && isScimError(error.cause) && error.cause.status === 412) || attempt >= MAX_APPLY_ATTEMPTS) throw error;
      }
    }
  }

  /** The event's change, written conditionally on the version `prepare` read. */
  private async write(change: PreparedChange, event: HrEvent, context: ScimContext): Promise<HrOutcome> {
    if (change.kind === 'schedule') {
      const jobId = terminationJobId(event);
      await this.deps.scheduler.schedule({ id: jobId, runAt: change.runAt, work: { kind: 'hr-event', event } });
      if (change.person) await this.record(change.person.id, 'hr.termination-scheduled', event, { runAt: event.effectiveAt, jobId });
      return { outcome: 'scheduled', jobId, runAt: change.runAt, ...(change.person ? { personId: change.person.id } : {}) };
    }
    let outcome: HrOutcome;
    switch (change.kind) {
      case 'ignore':
        outcome = { outcome: 'ignored', reason: change.reason };
        break;
      case 'unchanged':
        outcome = { outcome: 'applied', personId: change.person.id, kind: event.kind };
        break;
      case 'replace':
        await refusalsAsHrEventErrors(() => this.deps.users.replace(change.person.id, change.body, etagOf(change.person.version), context));
        outcome = { outcome: 'applied', personId: change.person.id, kind: event.kind };
        break;
      case 'create': {
        const created = await refusalsAsHrEventErrors(() => this.deps.users.create(change.body, context));
        outcome = { outcome: 'applied', personId: String(created.resource.id), kind: event.kind };
        break;
      }
    }
    // After the person's write, so an event the directory refuses has not cancelled anything.
    if (event.kind === 'hire' || event.kind === 'rehire') await this.cancelTermination(event, change.kind === 'replace' ? change.person : undefined);
    return outcome;
  }

  /**
   * An event older than the last applied one from the same source about this person (a late retry
   * of an hour-old hire after the termination) is recorded as stale and changes nothing.
   */
  private async staleness(change: PreparedChange, event: HrEvent, happenedAt: string): Promise<HrOutcome | undefined> {
    const person = 'person' in change ? change.person : undefined;
    if (!person) return undefined;
    const last = await this.deps.sourceClock.lastApplied(person.id, sourceOf(event));
    if (last === undefined || happenedAt >= last) return undefined;
    await this.record(person.id, 'hr.event-stale', event, { kind: event.kind, occurredAt: happenedAt, lastAppliedAt: last }, 'skipped');
    return { outcome: 'stale', personId: person.id, lastAppliedAt: last };
  }

  private async prepare(event: HrEvent, options: { due?: boolean }): Promise<PreparedChange> {
    const person = await this.find(event);
    if (event.kind === 'terminate') {
      const effective = event.effectiveAt ? Date.parse(event.effectiveAt) : Number.NaN;
      if (!options.due && !Number.isNaN(effective) && effective - this.now().getTime() > EFFECTIVE_NOW_MS) {
        return { kind: 'schedule', runAt: new Date(effective).toISOString(), person };
      }
      if (!person) return { kind: 'ignore', reason: `no person matches ${event.source} employee ${event.employeeId}` };
      if (!person.active) return { kind: 'unchanged', person };
      return { kind: 'replace', person, body: await this.validBody(person, event, false) };
    }
    const active = event.kind === 'update' ? (person?.active ?? true) : true;
    if (person) return { kind: 'replace', person, body: await this.validBody(person, event, active) };
    if (!event.attributes.workEmail) {
      return { kind: 'ignore', reason: `${event.source} employee ${event.employeeId} has no work email to create an account from` };
    }
    return { kind: 'create', body: await this.validBody(undefined, event, active) };
  }

  private async cancelTermination(event: HrEvent, person: UserRecord | undefined): Promise<void> {
    const job = await this.deps.scheduler.get(terminationJobId(event));
    if (!job) return;
    await this.deps.scheduler.cancel(terminationJobId(event));
    if (person) await this.record(person.id, 'hr.termination-cancelled', event, { jobId: job.id, wasDue: job.runAt });
  }

  /** The SCIM body of the change, checked as the SCIM service will check it before it writes. */
  private async validBody(person: UserRecord | undefined, event: HrEvent, active: boolean): Promise<Record<string, unknown>> {
    const body = await this.body(person, event, active);
    await refusalsAsHrEventErrors(async () => validateResource('User', body));
    return body;
  }

  private async body(person: UserRecord | undefined, event: HrEvent, active: boolean): Promise<Record<string, unknown>> {
    const { managerEmployeeId, managerEmail } = event.attributes;
    const manager =
      managerEmployeeId || managerEmail
        ? await this.find({ ...event, employeeId: managerEmployeeId ?? '', attributes: { ...(managerEmail ? { workEmail: managerEmail } : {}) } })
        : undefined;
    const attributes = mergeHrAttributes(person?.attributes ?? {}, event, active, manager?.id);
    const schemas = [USER_SCHEMA, ...(attributes[ENTERPRISE_USER_SCHEMA] ? [ENTERPRISE_USER_SCHEMA] : [])];
    return { schemas, ...attributes, ...(person ? {} : { externalId: `hr:${event.source}:${event.employeeId}` }) };
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

/** A SCIM client error (4xx) from the directory, as the HrEventError it means for an HR event. */
async function refusalsAsHrEventErrors<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isScimError(error) || error.status >= 500) throw error;
    // 409 (userName taken meanwhile), 412 and 404 (changed or deleted meanwhile) are races; the rest is content.
    const reason = error.status === 409 || error.status === 412 || error.status === 404 ? 'conflict' : 'invalid';
    throw new HrEventError(reason, `The directory refused the change: ${error.message}`, { cause: error });
  }
}
