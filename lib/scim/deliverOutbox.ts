import type { Outbox, ResourceKey } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import type { Logger } from '../observability/Logger.js';

/**
 * How long a request delivers its own outbox before leaving the rest to recovery: a PUT of 18,000
 * members is 36 parts, more than an API function's 25 s on a slow day.
 */
export const REQUEST_DELIVERY_MS = 10_000;

/**
 * Delivers a write's outbox right away, for up to REQUEST_DELIVERY_MS. The write is already
 * durable with its outbox, so if delivery fails or runs out of time now the client still gets its
 * success response and recovery delivers the rest (the next write of the resource does too).
 */
export async function deliverOutbox(relay: OutboxRelay, logger: Logger, key: ResourceKey, outbox: Outbox, now: () => Date = () => new Date()): Promise<void> {
  const deadline = now().getTime() + REQUEST_DELIVERY_MS;
  try {
    const done = await relay.deliver({ key, outbox }, () => now().getTime() < deadline);
    if (!done) logger.info('Outbox partly delivered within the request; recovery delivers the rest', { resource: key, outboxId: outbox.id });
  } catch (error) {
    logger.error('Outbox delivery failed; recovery will retry', { resource: key, outboxId: outbox.id, error });
  }
}
