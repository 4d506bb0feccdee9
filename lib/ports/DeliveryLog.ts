/**
 * Webhook deliveries seen, for replay protection. A delivery is claimed before it is processed and
 * marked done after; a claim that never finished (a crash) may be taken again once it is stale, so a
 * vendor's retry of a failed delivery is processed, while a replay of a processed one is refused.
 */
export interface DeliveryLog {
  /** True if this caller now owns the delivery; false if it was processed (or is being processed). */
  claim(source: string, messageId: string, now: Date): Promise<boolean>;
  complete(source: string, messageId: string, now: Date): Promise<void>;
  /** Gives up a claim after a failure, so the vendor's retry is processed. */
  release(source: string, messageId: string): Promise<void>;
}
