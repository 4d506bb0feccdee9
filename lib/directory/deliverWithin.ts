import type { Outbox, ResourceKey } from '../domain/DirectoryRecords.js';
import type { Logger } from '../observability/Logger.js';
import type { OutboxRelay } from './OutboxRelay.js';

export interface DeliveryDependencies {
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * How long a write delivers its own outbox before leaving the rest to recovery: a PUT of 18,000
 * members is 36 parts, and a person's delete removes them from every group they are in, more than
 * an API function's 25 s on a slow day; the write may also have spent up to PENDING_DELIVERY_MS on
 * an earlier write's outbox before its own.
 */
export const WRITE_DELIVERY_MS = 5_000;

/**
 * Delivers the outbox a write just landed with, for at most `budgetMs`. The write is durable with
 * its outbox, so a delivery that fails or runs out of time is crash recovery's and the caller
 * still succeeds.
 */
export async function deliverWithin(deps: DeliveryDependencies, resource: ResourceKey, outbox: Outbox, budgetMs = WRITE_DELIVERY_MS): Promise<void> {
  const deadline = deps.now().getTime() + budgetMs;
  try {
    const done = await deps.relay.deliver({ key: resource, outbox }, () => deps.now().getTime() < deadline);
    if (!done) deps.logger.info('Outbox partly delivered by its write; recovery delivers the rest', { resource, outboxId: outbox.id });
  } catch (error) {
    deps.logger.error('Outbox delivery failed; recovery will retry', { resource, outboxId: outbox.id, error });
  }
}
