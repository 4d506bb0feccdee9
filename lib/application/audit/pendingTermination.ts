import type { UserRecord } from '../../domain/DirectoryRecords.js';
import { ENTERPRISE_USER_SCHEMA } from '../../domain/ENTERPRISE_USER_SCHEMA.js';
import { HR_SOURCES, type HrSource } from '../../domain/HrEvent.js';
import { terminationJobId } from '../../hr/HrEventApplier.js';
import type { Scheduler } from '../../ports/Scheduler.js';

export interface PendingTermination {
  readonly jobId: string;
  readonly runAt: string;
  readonly source: HrSource;
  readonly employeeId: string;
}

/**
 * The termination the scheduler holds for this person, if any. Termination jobs are named after the
 * HR source and employee id (so a rehire cancels them by name), so the candidates are the HR ids the
 * record knows: its HR link (`externalId` "hr:<source>:<id>") and its employee number under each HR
 * source. At most seven reads, however many jobs are pending. A job matched to another person when it
 * was scheduled is not this person's. A termination whose employee id is neither (an HR id the record
 * never got) is listed by GET /admin/scheduled only.
 */
export async function pendingTermination(scheduler: Pick<Scheduler, 'get'>, user: UserRecord): Promise<PendingTermination | undefined> {
  const candidates = new Map<string, { source: HrSource; employeeId: string }>();
  const add = (source: string, employeeId: unknown): void => {
    if (!isHrSource(source) || typeof employeeId !== 'string' || employeeId === '') return;
    candidates.set(terminationJobId({ source, employeeId }), { source, employeeId });
  };
  const link = /^hr:([a-z]+):(.+)$/.exec(user.externalId ?? '');
  if (link) add(link[1] ?? '', link[2]);
  const employeeNumber = (user.attributes[ENTERPRISE_USER_SCHEMA] as Record<string, unknown> | undefined)?.employeeNumber;
  // Any source: a person the IdP created may have had no HR event yet but the dated termination.
  for (const source of HR_SOURCES) add(source, employeeNumber);
  for (const [jobId, hr] of candidates) {
    const job = await scheduler.get(jobId);
    if (job?.work.kind !== 'hr-event' || job.work.event.kind !== 'terminate') continue;
    if (job.personId !== undefined && job.personId !== user.id) continue;
    return { jobId, runAt: job.runAt, ...hr };
  }
  return undefined;
}

const isHrSource = (value: string): value is HrSource => (HR_SOURCES as readonly string[]).includes(value);
