import type { DeliveryLog } from '../../lib/ports/DeliveryLog.js';

/** The DynamoDB adapter's windows: a processing claim this old is a crashed request. */
const STALE_CLAIM_MS = 5 * 60_000;
/** ...and a delivery id is remembered this long, then may be claimed again. */
const REMEMBER_MS = 7 * 86_400_000;

interface Delivery {
  readonly status: 'processing' | 'done';
  /** When it was claimed or completed (ms). */
  readonly at: number;
}

/**
 * The DeliveryLog contract in memory (test/contract/deliveryLogContract.ts), with the DynamoDB
 * adapter's windows: a claim is refused while the delivery is being processed or was processed,
 * unless the claim is stale (a crash) or the delivery is old enough to be forgotten.
 */
export class InMemoryDeliveryLog implements DeliveryLog {
  private readonly deliveries = new Map<string, Delivery>();

  public async claim(source: string, messageId: string, now: Date): Promise<boolean> {
    const at = now.getTime();
    const current = this.deliveries.get(deliveryKey(source, messageId));
    const free = !current || (current.status === 'processing' && current.at < at - STALE_CLAIM_MS) || current.at < at - REMEMBER_MS;
    if (free) this.deliveries.set(deliveryKey(source, messageId), { status: 'processing', at });
    return free;
  }

  public async complete(source: string, messageId: string, now: Date): Promise<void> {
    this.deliveries.set(deliveryKey(source, messageId), { status: 'done', at: now.getTime() });
  }

  public async release(source: string, messageId: string): Promise<void> {
    this.deliveries.delete(deliveryKey(source, messageId));
  }
}

const deliveryKey = (source: string, messageId: string): string => JSON.stringify([source, messageId]);
