import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { type HrWebhookDependencies, routeHrWebhook } from '../../../functions/hr-webhook/routeHrWebhook.js';
import { HrEventError } from '../../../lib/hr/HrEventError.js';
import { HttpError } from '../../../lib/http/HttpError.js';
import { silentLogger } from '../../../lib/observability/createJsonLogger.js';
import type { HrEvent, HrWebhookSource } from '../../../lib/domain/HrEvent.js';
import { InMemorySecretStore } from '../../fakes/InMemorySecretStore.js';

const event = (employeeId: string): HrEvent => ({ source: 'standard', messageId: 'm-1', kind: 'hire', employeeId, attributes: { workEmail: `${employeeId}@example.com` } });

/** A source that trusts every delivery and reads the body as a list of employee ids. */
const source: HrWebhookSource = {
  source: 'standard',
  credentialHeader: 'webhook-signature',
  verify: () => ({ messageId: 'm-1' }),
  normalise: (body) => (body as string[]).map(event),
};

function setup(refuse: { check?: HrEventError; apply?: (employeeId: string) => HrEventError | undefined } = {}) {
  const written: string[] = [];
  const applier = {
    check: vi.fn(async (hrEvents: readonly HrEvent[]) => {
      if (refuse.check && hrEvents.some((hrEvent) => hrEvent.employeeId === 'bad')) throw refuse.check;
    }),
    apply: vi.fn(async (hrEvent: HrEvent) => {
      const error = refuse.apply?.(hrEvent.employeeId);
      if (error) throw error;
      written.push(hrEvent.employeeId);
      return { outcome: 'applied' as const, personId: `p-${hrEvent.employeeId}`, kind: hrEvent.kind };
    }),
  };
  const deliveries = { claim: vi.fn(async () => true), complete: vi.fn(async () => undefined), release: vi.fn(async () => undefined) };
  const deps = {
    sources: { standard: source },
    secretNames: { standard: 'hr/standard' },
    secrets: new InMemorySecretStore({ 'hr/standard': 'whsec_c2VjcmV0' }),
    deliveries,
    applier,
    logger: silentLogger,
  } as unknown as HrWebhookDependencies;
  const post = (employeeIds: string[]): Promise<unknown> =>
    routeHrWebhook(
      { rawPath: '/hooks/hr/standard', headers: { 'content-type': 'application/json' }, body: JSON.stringify(employeeIds), isBase64Encoded: false, requestContext: { http: { method: 'POST' } } } as unknown as APIGatewayProxyEventV2,
      deps,
    ).catch((error: unknown) => error);
  return { post, written, deliveries };
}

describe('routeHrWebhook', () => {
  it('refuses a delivery with an event the directory cannot hold as a 400, before applying any event', async () => {
    // Prepare
    const { post, written, deliveries } = setup({ check: new HrEventError('invalid', "Attribute 'userName' must be at most 256 characters") });

    // Act
    const error = await post(['good', 'bad']);

    // Assess
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ statusCode: 400, message: "Attribute 'userName' must be at most 256 characters" });
    expect((error as Error).cause).toBeInstanceOf(HrEventError);
    expect(written).toEqual([]);
    expect(deliveries.release).toHaveBeenCalledWith('standard', 'm-1');
  });

  it('answers a conflict in the first event as a 409', async () => {
    // Prepare
    const { post, written } = setup({ apply: () => new HrEventError('conflict', 'userName is already in use') });

    // Act
    const error = await post(['taken']);

    // Assess
    expect(error).toMatchObject({ statusCode: 409 });
    expect(written).toEqual([]);
  });

  it('accepts a batch whose later event was refused after earlier ones were applied, and says which', async () => {
    // Prepare
    const { post, written, deliveries } = setup({ apply: (id) => (id === 'raced' ? new HrEventError('conflict', 'userName is already in use') : undefined) });

    // Act
    const reply = (await post(['first', 'raced', 'third'])) as { statusCode: number; body: string };

    // Assess
    expect(reply.statusCode).toBe(202);
    expect(JSON.parse(reply.body).events.map((e: { outcome: string }) => e.outcome)).toEqual(['applied', 'rejected', 'applied']);
    expect(written).toEqual(['first', 'third']);
    expect(deliveries.complete).toHaveBeenCalled();
  });
});
