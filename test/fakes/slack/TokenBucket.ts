/**
 * A per-minute rate limit with a burst allowance, the way Slack states its limits ("Limit
 * (requests per minute)", "Bursts (requests)"): `burst` requests at once, refilled at
 * `perMinute` / 60 per second. Time comes from the caller, so tests can move the clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number | undefined;

  public constructor(
    private readonly perMinute: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token: 0 when the request may go ahead, else the seconds until one is available. */
  public take(now: number): number {
    const ratePerMs = this.perMinute / 60_000;
    if (this.updatedAt !== undefined) this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * ratePerMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / ratePerMs / 1000);
  }
}
