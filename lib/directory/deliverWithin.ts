import type { Outbox, ResourceKey } from '../domain/DirectoryRecords.js';
import type { Logger } from '../observability/Logger.js';
import type { OutboxRelay } from './OutboxRelay.js';

export interface DeliveryDependencies {
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  readonly now: () => Date;
}

/**
 * Delivers the outbox a write just landed with, for at most `budgetMs` when given. The write is
 * durable with its outbox, so a delivery that fails or runs out of time is crash recovery's and
 * the caller still succeeds.
 */
export async function deliverWithin(deps: DeliveryDependencies, resource: ResourceKey, outbox: Outbox, budgetMs?: number): Promise<void> {
  const deadline = budgetMs === undefined ? Number.POSITIVE_INFINITY : deps.now().getTime() + budgetMs;
  try {
    const done = await deps.relay.deliver({ key: resource, outbox }, () => deps.now().getTime() < deadline);
    if (!done) deps.logger.info('Outbox partly delivered by its write; recovery delivers the rest', { resource, outboxId: outbox.id });
  } catch (error) {
    deps.logger.error('Outbox delivery failed; recovery will retry', { resource, outboxId: outbox.id, error });
  }
}
