import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/adapters/dynamodb/createDocumentClient.js';
import { DynamoLedgerStore } from '../lib/adapters/dynamodb/DynamoLedgerStore.js';
import { ensureTables } from '../lib/adapters/dynamodb/ensureTables.js';
import { ledgerTable } from '../lib/adapters/dynamodb/tableDefinitions.js';
import { toLedgerItem } from '../lib/adapters/dynamodb/toLedgerItem.js';
import { reconstructAccess } from '../lib/audit/reconstructAccess.js';
import { verifyLedger } from '../lib/audit/verifyLedger.js';
import { computeEventHash } from '../lib/ledger/computeEventHash.js';
import { GENESIS_HASH, type LedgerEvent } from '../lib/domain/LedgerEvent.js';
import type { AuditStore } from '../lib/ports/AuditStore.js';
import { startEmbeddedDynamo } from '../local/startEmbeddedDynamo.js';

// The ledger benchmark (`npm run bench`, third part): BENCH_LEDGER_EVENTS events (default 1,000,000)
// in the embedded engine — 100 per person, over a year, on a lifecycle chain and five app chains —
// then the auditor's questions against it, and verification throughput.

const APPS = ['slack', 'github', 'google', 'entra', 'jira'];
const PER_PERSON = 100;
const YEAR_MS = 365 * 86_400_000;

export interface LedgerFigures {
  readonly events: number;
  readonly loadSeconds: number;
  readonly personHistoryFirstPageMs: number;
  readonly personHistoryAllMs: number;
  readonly personAsOfMs: number;
  readonly entitlementHistoryMs: number;
  readonly timeRangePageMs: number;
  readonly verifiedEvents: number;
  readonly verifyEventsPerSecond: number;
}

export async function runLedgerBench(total = Number(process.env.BENCH_LEDGER_EVENTS ?? 1_000_000)): Promise<LedgerFigures> {
  const engine = await startEmbeddedDynamo();
  const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: engine.credentials });
  try {
    await ensureTables(client, [{ definition: ledgerTable, tableName: 'ledger' }]);
    const db = createDocumentClient({ client });
    const store = new DynamoLedgerStore(db, 'ledger');
    const people = Math.max(1, Math.floor(total / PER_PERSON));
    const start = Date.parse('2025-01-01T00:00:00.000Z');

    const loadStarted = performance.now();
    await load(db, people, start);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const probe = `p${Math.floor(people / 2)}`;
    const personHistoryFirstPageMs = await timed(() => store.byPerson(probe, { limit: 100, descending: true }));
    const personHistoryAllMs = await timed(() => drain((f) => store.byPerson(probe, f)));
    const asOf = new Date(start + YEAR_MS / 2).toISOString();
    const personAsOfMs = await timed(async () => reconstructAccess(await drain((f) => store.byPerson(probe, { ...f, to: asOf }))));
    const entitlementHistoryMs = await timed(() => store.byEntitlement('github', 'team:t3', { limit: 100 }));
    const timeRangePageMs = await timed(() => store.byTime({ from: asOf, to: new Date(Date.parse(asOf) + 86_400_000).toISOString(), limit: 100 }));

    // Verification walks chains in order; a sample of the people keeps the run short.
    const sample = Math.min(people, 1000);
    const verifyStarted = performance.now();
    const report = await verifyLedger({ chains: () => firstChains(store, sample * (APPS.length + 1)), events: (chain) => store.chainEvents(chain) });
    const verifySeconds = (performance.now() - verifyStarted) / 1000;
    if (!report.intact) throw new Error(`benchmark ledger failed verification at ${JSON.stringify(report)}`);
    return {
      events: people * PER_PERSON,
      loadSeconds: Math.round(loadSeconds),
      personHistoryFirstPageMs,
      personHistoryAllMs,
      personAsOfMs,
      entitlementHistoryMs,
      timeRangePageMs,
      verifiedEvents: report.events,
      verifyEventsPerSecond: Math.round(report.events / verifySeconds),
    };
  } finally {
    client.destroy();
    await engine.close();
  }
}

/** Writes the synthetic ledger with real hash chains, 25 items per BatchWriteItem, 8 at a time. */
async function load(db: DynamoDBDocumentClient, people: number, start: number): Promise<void> {
  let batch: Record<string, unknown>[] = [];
  const inFlight = new Set<Promise<void>>();
  const flush = async (items: Record<string, unknown>[]): Promise<void> => {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { ledger: pending } }));
      pending = (result.UnprocessedItems?.ledger ?? []) as typeof pending;
    }
  };
  for (let p = 0; p < people; p++) {
    for (const event of personEvents(`p${p}`, start)) {
      batch.push(toLedgerItem(event));
      if (batch.length === 25) {
        const write = flush(batch).finally(() => inFlight.delete(write));
        inFlight.add(write);
        batch = [];
        if (inFlight.size >= 8) await Promise.race(inFlight);
      }
    }
  }
  if (batch.length) await flush(batch);
  await Promise.all(inFlight);
}

/** 100 events of one person: 10 lifecycle events and 18 step outcomes in each of five apps. */
function personEvents(personId: string, start: number): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  const chains = new Map<string, { seq: number; hash: string }>();
  for (let i = 0; i < PER_PERSON; i++) {
    const lifecycle = i % 10 === 0;
    const app = APPS[i % APPS.length] as string;
    const chain = lifecycle ? `person#${personId}` : `access#${personId}#${app}`;
    const head = chains.get(chain) ?? { seq: 0, hash: GENESIS_HASH };
    const at = new Date(start + Math.floor((i / PER_PERSON) * YEAR_MS)).toISOString();
    const action = lifecycle ? 'lifecycle.mover' : i < 10 ? 'step.createAccount' : i % 3 === 0 ? 'step.revoke' : 'step.grant';
    const body = {
      eventId: `${personId}-${i}`,
      chain,
      type: action,
      occurredAt: at,
      source: { channel: 'system' as const, actor: 'bench' },
      outcome: 'applied' as const,
      personId,
      ...(lifecycle ? {} : { app, ...(action === 'step.createAccount' ? {} : { entitlement: `team:t${i % 7}`, rule: 'bench-rule' }) }),
      seq: head.seq + 1,
      recordedAt: at,
      prevHash: head.hash,
    };
    const event = { ...body, hash: computeEventHash(body) } as LedgerEvent;
    chains.set(chain, { seq: event.seq, hash: event.hash });
    events.push(event);
  }
  return events;
}

async function* firstChains(store: AuditStore, limit: number): AsyncIterable<string> {
  let count = 0;
  for await (const chain of store.chains()) {
    if (count++ >= limit) return;
    yield chain;
  }
}

async function drain(read: (filter: { limit: number; cursor?: string }) => ReturnType<AuditStore['byPerson']>): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  await work(); // warm the path once; report the second run
  const started = performance.now();
  await work();
  return Math.round((performance.now() - started) * 10) / 10;
}
