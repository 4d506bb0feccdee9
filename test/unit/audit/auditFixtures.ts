import { Ledger } from '../../../lib/ledger/Ledger.js';
import type { LedgerEvent, LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import { InMemoryLedgerStore } from '../../fakes/InMemoryLedgerStore.js';

export const DAY_MS = 86_400_000;
export const START = Date.parse('2026-01-01T00:00:00.000Z');

/** A real Ledger over the in-memory store with a clock the test moves, so hashes and times are genuine. */
export class LedgerFixture {
  public readonly store = new InMemoryLedgerStore();
  public clock = START;
  public readonly ledger = new Ledger(this.store, () => new Date(this.clock));
  private counter = 0;

  /** Appends `count` step events to `chain`, one day apart. */
  public async steps(chain: string, count: number, overrides: Partial<LedgerEventDraft> = {}): Promise<LedgerEvent[]> {
    const events: LedgerEvent[] = [];
    for (let i = 0; i < count; i++) {
      events.push(await this.append({ ...stepDraft(chain, `e${++this.counter}`), ...overrides }));
      this.clock += DAY_MS;
    }
    return events;
  }

  public async append(draft: LedgerEventDraft): Promise<LedgerEvent> {
    return this.ledger.append(draft);
  }

  public async chain(chain: string): Promise<LedgerEvent[]> {
    return this.store.chain(chain);
  }
}

export function stepDraft(chain: string, eventId: string): LedgerEventDraft {
  const [, personId = 'p1', app = 'slack'] = chain.split('#');
  return {
    eventId,
    chain,
    type: 'step.grant',
    occurredAt: new Date(START).toISOString(),
    source: { channel: 'system', actor: 'fanout', operation: 'joiner' },
    outcome: 'applied',
    personId,
    app,
    entitlement: 'group:engineering',
    rule: 'engineering-birthright',
    detail: { stepId: `step-${eventId}`, lifecycleEventId: 'lc-1' },
  };
}

/** Events as the store would stream them, one page at a time. */
export async function* stream<T>(items: readonly T[]): AsyncGenerator<T, void, undefined> {
  for (const item of items) yield item;
}

export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/** A copy of the chain with one event replaced (an attacker with write access to the table). */
export function replaceAt(events: readonly LedgerEvent[], index: number, replacement: LedgerEvent): LedgerEvent[] {
  return events.map((event, i) => (i === index ? replacement : event));
}
