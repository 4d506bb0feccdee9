import type { LedgerEvent } from '../domain/LedgerEvent.js';

/**
 * Ledger events as the audit functions consume them: usually an async iterable paged from the store,
 * so a chain or an export of any size is never held in memory; a plain array works too (tests, CLI).
 */
export type LedgerEventStream = AsyncIterable<LedgerEvent> | Iterable<LedgerEvent>;
