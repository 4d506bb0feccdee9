import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import { terminationJobId } from '../../lib/hr/HrEventApplier.js';
import { InMemorySecretStore } from '../fakes/InMemorySecretStore.js';
import { sendStandardWebhook } from '../support/sendStandardWebhook.js';
import { startTestPerimeter, TEST_ADMIN_TOKEN, type TestPerimeter } from '../support/startTestPerimeter.js';

const SECRET = `whsec_${Buffer.from('standard-webhooks-scheduled-secret').toString('base64')}`;

/** A termination dated next week is a pending job the operator sees, on the list and on the person, and can call off. */
describe('scheduled jobs are visible (GET /admin/scheduled, DELETE /admin/scheduled/{id})', () => {
  let perimeter: TestPerimeter;
  let personId: string;
  const jobId = terminationJobId({ source: 'standard', employeeId: 'S-1' });
  const leaveAt = new Date(Date.now() + 7 * 86_400_000).toISOString();

  beforeAll(async () => {
    // Prepare: Sam is hired through HR, then resigns effective next week
    const config = parsePerimeterConfig({ webhooks: { standard: { secret: 'hr/standard' } } }, 'test');
    perimeter = await startTestPerimeter({ config, secrets: new InMemorySecretStore({ 'hr/standard': SECRET }) });
    const send = (type: string, effectiveAt?: string) =>
      sendStandardWebhook(perimeter.url, SECRET, { type, employeeId: 'S-1', timestamp: new Date().toISOString(), attributes: { workEmail: 'sam@example.com' }, ...(effectiveAt ? { effectiveAt } : {}) });
    personId = (await send('employee.hired')).body.events[0].personId as string;
    expect((await send('employee.terminated', leaveAt)).body.events[0]).toMatchObject({ outcome: 'scheduled', runAt: leaveAt });
  });
  afterAll(async () => {
    await perimeter.stop();
  });

  const auditPerson = async (): Promise<any> => {
    const response = await fetch(`${perimeter.url}/audit/persons/${personId}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    return response.json();
  };

  it('lists the pending termination with its person and time, paged, and shows it on the person', async () => {
    // Prepare: a second pending job, so that a page of one has a next page
    await perimeter.scheduler.schedule({ id: 'job-other-1', runAt: leaveAt, work: { kind: 'job', jobId: 'other' } });

    // Act
    const first = await perimeter.admin('/scheduled?limit=1');
    const second = await perimeter.admin(`/scheduled?limit=1&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
    const person = await auditPerson();

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    const jobs = [...first.body.jobs, ...second.body.jobs];
    expect(jobs).toHaveLength(2);
    expect(jobs.find((job) => job.id === jobId)).toEqual({ id: jobId, kind: 'hr-event', runAt: leaveAt, personId, does: expect.stringContaining('terminate') });
    expect(person.pendingTermination).toEqual({ jobId, runAt: leaveAt, source: 'standard', employeeId: 'S-1' });
    const continuation = await perimeter.admin('/scheduled/job-other-1', { method: 'DELETE', body: { reason: 'looks stuck' } });
    expect([continuation.status, continuation.body.error.status]).toEqual([409, 409]);
    await perimeter.scheduler.cancel('job-other-1');
  });

  it('refuses bad bodies and queries with 400, and an unknown job with 404, cancelling nothing', async () => {
    // Act
    const replies = await Promise.all([
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE' }),
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: {} }),
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: { reason: '   ' } }),
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: { reason: 'x'.repeat(501) } }),
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: { reason: 'ok', extra: 1 } }),
      perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', rawBody: '{', headers: { 'content-type': 'application/json' } }),
      perimeter.admin('/scheduled?limit=0'),
      perimeter.admin('/scheduled?limit=101'),
      perimeter.admin('/scheduled?color=red'),
    ]);
    const unknown = await perimeter.admin('/scheduled/hr-terminate-standard-nobody', { method: 'DELETE', body: { reason: 'typo' } });

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400]);
    for (const reply of [...replies, unknown]) expect(reply.body.error).toMatchObject({ status: reply.status, message: expect.any(String) });
    expect(unknown.status).toBe(404);
    expect(await perimeter.scheduler.get(jobId)).toMatchObject({ runAt: leaveAt });
  });

  it('cancels it with a reason: gone from the list and the person, ledgered on their chain, and the person stays active; a second cancel is 404', async () => {
    // Act
    const cancelled = await perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: { reason: 'resignation withdrawn (ticket HR-42)' } });
    const again = await perimeter.admin(`/scheduled/${jobId}`, { method: 'DELETE', body: { reason: 'twice' } });
    await perimeter.runDueJobs();
    await perimeter.queue.drained();

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({ cancelled: { id: jobId, kind: 'hr-event', runAt: leaveAt, personId, does: expect.any(String) }, reason: 'resignation withdrawn (ticket HR-42)' });
    expect(again.status).toBe(404);
    expect((await perimeter.admin('/scheduled')).body).toEqual({ jobs: [] });
    expect((await auditPerson()).pendingTermination).toBeNull();
    const recorded = (await perimeter.stores.ledger.chain(`person#${personId}`)).filter((e) => e.type === 'admin.scheduled-job-cancelled');
    expect(recorded).toMatchObject([{ personId, detail: { id: jobId, runAt: leaveAt, reason: 'resignation withdrawn (ticket HR-42)' }, source: { channel: 'admin', operation: `DELETE /admin/scheduled/${jobId}` } }]);
    expect((await perimeter.stores.directory.getUser(personId))?.active).toBe(true);
  });
});
