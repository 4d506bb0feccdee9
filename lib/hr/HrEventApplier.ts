import type { UserRecord } from '../directory/DirectoryRecords.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import type { Scheduler } from '../ports/Scheduler.js';
import type { ScimContext } from '../scim/ScimContext.js';
import type { ScimUsers } from '../scim/ScimUsers.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/scimSchemas.js';
import type { HrEvent } from '../webhooks/HrEvent.js';
import { mergeHrAttributes } from './mergeHrAttributes.js';

export interface HrEventApplierDependencies {
  readonly users: ScimUsers;
  readonly directory: DirectoryStore;
  readonly scheduler: Scheduler;
  readonly ledger: Ledger;
  readonly now?: () => Date;
}

export type HrOutcome =
  | { readonly outcome: 'applied'; readonly personId: string; readonly kind: HrEvent['kind'] }
  | { readonly outcome: 'scheduled'; readonly jobId: string; readonly runAt: string; readonly personId?: string }
  | { readonly outcome: 'ignored'; readonly reason: string };

/** A termination dated within this much of now takes effect now (clock skew, same-day exits). */
const EFFECTIVE_NOW_MS = 60_000;

/** The scheduler job that will terminate this employee (one per employee, so a rehire can cancel it). */
export const terminationJobId = (event: Pick<HrEvent, 'source' | 'employeeId'>): string => `hr-terminate-${event.source}-${event.employeeId}`;

/**
 * Turns an HR event into a directory change, which the outbox turns into a lifecycle event, a
 * ledger record and a plan, exactly as for SCIM. People are matched by the HR link
 * (externalId "hr:<source>:<id>"), then employee number, then work email; HR-only people are
 * created. A termination dated in the future is scheduled and runs then; a rehire (or a new hire
 * of the same employee) cancels a pending termination.
 */
export class HrEventApplier {
  private readonly now: () => Date;

  public constructor(private readonly deps: HrEventApplierDependencies) {
    this.now = deps.now ?? (() => new Date());
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
    const person = await this.find(event);
    if (event.kind === 'terminate') {
      const effective = event.effectiveAt ? Date.parse(event.effectiveAt) : Number.NaN;
      if (!options.due && !Number.isNaN(effective) && effective - this.now().getTime() > EFFECTIVE_NOW_MS) {
        const jobId = terminationJobId(event);
        await this.deps.scheduler.schedule({ id: jobId, runAt: new Date(effective).toISOString(), work: { kind: 'hr-event', event } });
        if (person) await this.record(person.id, 'hr.termination-scheduled', event, { runAt: event.effectiveAt, jobId });
        return { outcome: 'scheduled', jobId, runAt: new Date(effective).toISOString(), ...(person ? { personId: person.id } : {}) };
      }
      if (!person) return { outcome: 'ignored', reason: `no person matches ${event.source} employee ${event.employeeId}` };
      if (!person.active) return { outcome: 'applied', personId: person.id, kind: event.kind };
      await this.deps.users.replace(person.id, await this.body(person, event, false), undefined, context);
      return { outcome: 'applied', personId: person.id, kind: event.kind };
    }

    if (event.kind === 'hire' || event.kind === 'rehire') {
      const job = await this.deps.scheduler.get(terminationJobId(event));
      if (job) {
        await this.deps.scheduler.cancel(terminationJobId(event));
        if (person) await this.record(person.id, 'hr.termination-cancelled', event, { jobId: job.id, wasDue: job.runAt });
      }
    }
    const active = event.kind === 'update' ? (person?.active ?? true) : true;
    if (person) {
      await this.deps.users.replace(person.id, await this.body(person, event, active), undefined, context);
      return { outcome: 'applied', personId: person.id, kind: event.kind };
    }
    if (!event.attributes.workEmail) {
      return { outcome: 'ignored', reason: `${event.source} employee ${event.employeeId} has no work email to create an account from` };
    }
    const created = await this.deps.users.create(await this.body(undefined, event, active), context);
    return { outcome: 'applied', personId: String(created.resource.id), kind: event.kind };
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
    const email = event.attributes.workEmail?.toLowerCase();
    if (email) {
      const byUserName = await directory.findUserByUserName(email);
      if (byUserName) return byUserName;
    }
    // Fall back to the enterprise employee number or any email the directory holds.
    for (const user of await directory.listUsers()) {
      const enterprise = (user.attributes[ENTERPRISE_USER_SCHEMA] ?? {}) as Record<string, unknown>;
      if (number !== undefined && enterprise.employeeNumber === number) return user;
      const emails = Array.isArray(user.attributes.emails) ? (user.attributes.emails as { value?: unknown }[]) : [];
      if (email && emails.some((entry) => typeof entry.value === 'string' && entry.value.toLowerCase() === email)) return user;
    }
    return undefined;
  }

  private async record(personId: string, type: string, event: HrEvent, detail: Record<string, unknown>): Promise<void> {
    await this.deps.ledger.append({
      eventId: `${type}:${event.source}:${event.messageId}`,
      chain: `person#${personId}`,
      type,
      occurredAt: this.now().toISOString(),
      source: { channel: 'hr-webhook', actor: `hr:${event.source}`, requestId: event.messageId },
      outcome: 'recorded',
      personId,
      detail: { employeeId: event.employeeId, effectiveAt: event.effectiveAt, ...detail },
    });
  }
}
