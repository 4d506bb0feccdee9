import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import type { LedgerStore } from '../../lib/ports/LedgerStore.js';

/** The LedgerStore contract in memory, with a hook to simulate a competing writer. */
export class InMemoryLedgerStore implements LedgerStore {
  public readonly chains = new Map<string, LedgerEvent[]>();
  /** Called before each insert; return an event to have "another writer" take the slot first. */
  public interloper: ((event: LedgerEvent) => LedgerEvent | undefined) | undefined;

  public async recent(chain: string, since: string): Promise<LedgerEvent[]> {
    const events = [...(this.chains.get(chain) ?? [])].reverse();
    const out: LedgerEvent[] = [];
    for (const event of events) {
      if (out.length > 0 && event.recordedAt < since) break;
      out.push(event);
    }
    return out;
  }

  public async insert(event: LedgerEvent): Promise<boolean> {
    const competitor = this.interloper?.(event);
    if (competitor) this.put(competitor);
    return this.put(event);
  }

  public async forPerson(personId: string): Promise<LedgerEvent[]> {
    return [...this.chains.values()]
      .flat()
      .filter((event) => event.personId === personId)
      .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }

  public async chain(chain: string): Promise<LedgerEvent[]> {
    return [...(this.chains.get(chain) ?? [])];
  }

  private put(event: LedgerEvent): boolean {
    const events = this.chains.get(event.chain) ?? [];
    if (events.some((existing) => existing.seq === event.seq)) return false;
    events.push(event);
    events.sort((a, b) => a.seq - b.seq);
    this.chains.set(event.chain, events);
    return true;
  }
}
