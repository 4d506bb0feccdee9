import type { SourceClock } from '../../lib/ports/SourceClock.js';

/** The SourceClock contract in memory. */
export class InMemorySourceClock implements SourceClock {
  public readonly times = new Map<string, string>();

  public async lastApplied(personId: string, source: string): Promise<string | undefined> {
    return this.times.get(`${personId}#${source}`);
  }

  public async advance(personId: string, source: string, at: string): Promise<void> {
    const current = this.times.get(`${personId}#${source}`);
    if (current === undefined || current < at) this.times.set(`${personId}#${source}`, at);
  }
}
