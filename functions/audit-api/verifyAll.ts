import { type LedgerVerification, verifyLedger } from '../../lib/audit/verifyLedger.js';
import type { AuditStore } from '../../lib/ports/AuditStore.js';

/** GET /audit/verify: every chain re-hashed and re-linked; the first broken link, if any. */
export async function verifyAll(audit: AuditStore): Promise<LedgerVerification & { checkedAt: string }> {
  const report = await verifyLedger({ chains: () => audit.chains(), events: (chain) => audit.chainEvents(chain) });
  return { ...report, checkedAt: new Date().toISOString() };
}
