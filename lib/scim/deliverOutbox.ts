import type { Outbox, ResourceKey } from '../domain/DirectoryRecords.js';
import type { OutboxRelay } from '../directory/OutboxRelay.js';
import type { Logger } from '../observability/Logger.js';

/**
 * Delivers a write's outbox right away. The write is already durable with its outbox, so if
 * delivery fails now the client still gets its success response and crash recovery delivers it.
 */
export async function deliverOutbox(relay: OutboxRelay, logger: Logger, key: ResourceKey, outbox: Outbox): Promise<void> {
  try {
    await relay.deliver({ key, outbox });
  } catch (error) {
    logger.error('Outbox delivery failed; recovery will retry', { resource: key, outboxId: outbox.id, error });
  }
}
