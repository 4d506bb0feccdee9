/**
 * When each feeding source's last applied event about a person happened. An event older than that
 * is stale: a sender's late retry must not undo what a newer event of the same source did.
 */
export interface SourceClock {
  lastApplied(personId: string, source: string): Promise<string | undefined>;
  /** Records `at` (ISO time) unless a time at least as new is recorded already. Idempotent. */
  advance(personId: string, source: string, at: string): Promise<void>;
}
