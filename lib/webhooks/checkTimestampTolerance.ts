import { WebhookSignatureError } from './WebhookSignatureError.js';

/**
 * Rejects a signed timestamp more than `toleranceMs` from `now`, in either direction. A stale one is
 * a replay of a captured delivery; a future one would stay "fresh" past the window the endpoint keeps
 * message ids for, so it would escape the replay check just as well.
 */
export function checkTimestampTolerance(timestamp: Date, now: Date, toleranceMs: number): void {
  const skew = timestamp.getTime() - now.getTime();
  if (skew < -toleranceMs) throw new WebhookSignatureError('signature timestamp is too old');
  if (skew > toleranceMs) throw new WebhookSignatureError('signature timestamp is in the future');
}
