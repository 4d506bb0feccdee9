import type { LedgerEventDraft } from '../../domain/LedgerEvent.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import type { DirectoryStore } from '../../ports/DirectoryStore.js';
import type { AdminRequest } from '../AdminRequest.js';

export interface LinkImportedAccountDependencies {
  readonly directory: Pick<DirectoryStore, 'getUser'>;
  readonly access: Pick<AccessStore, 'getActual' | 'linkAccount' | 'applyActual'>;
  readonly ledger: Pick<Ledger, 'append'>;
}

export interface ImportedLink {
  readonly app: string;
  readonly accountId: string;
  /** The key the app's links are held under (the connector's `accountKey`, e.g. a case-folded login). */
  readonly linkKey: string;
  readonly personId: string;
  /** Whether the app listed the account enabled: its actual access starts as that. */
  readonly active: boolean;
  readonly rule?: string;
  /** The report approved, or `manual:<request id>` for an operator's link. */
  readonly reportId: string;
  /** An operator's reason, for a link made by hand. */
  readonly reason?: string;
}

/** Why a link was refused: the person is gone (`absent`), or the person or the account is taken (`taken`). */
export type LinkOutcome = { readonly linked: true } | { readonly linked: false; readonly refusal: 'absent' | 'taken'; readonly reason: string };

/**
 * Links an app account the app already held to a person and records it as their actual access, so
 * steps act on that account rather than creating a second one. Refused, changing nothing, when the
 * person has gone, holds another account in the app, or another person's link holds the account.
 */
export async function linkImportedAccount(deps: LinkImportedAccountDependencies, link: ImportedLink, request: AdminRequest, now: Date): Promise<LinkOutcome> {
  const { app, accountId, personId } = link;
  const at = now.toISOString();
  if (!(await deps.directory.getUser(personId))) return { linked: false, refusal: 'absent', reason: 'the person is no longer in the directory' };
  const held = await deps.access.getActual(personId, app);
  if (held?.accountId !== undefined && held.status !== 'deleted' && held.accountId !== accountId) return { linked: false, refusal: 'taken', reason: 'the person holds another account in the app' };
  const outcome = await deps.access.linkAccount(personId, app, link.linkKey, at);
  if (!outcome.linked) return { linked: false, refusal: 'taken', reason: 'another person is linked to the account' };
  await deps.access.applyActual(personId, app, { accountId, status: link.active ? 'active' : 'disabled', at });
  const event: LedgerEventDraft = {
    // One link of this account by this report or request, however often it is retried.
    eventId: `account.linked:${JSON.stringify([app, accountId, link.reportId])}`,
    chain: `access#${personId}#${app}`,
    type: 'account.linked',
    occurredAt: at,
    source: { channel: 'admin', actor: request.actor, requestId: request.requestId, operation: request.operation },
    outcome: 'recorded',
    personId,
    app,
    ...(link.rule !== undefined ? { rule: link.rule } : {}),
    detail: { accountId, reportId: link.reportId, active: link.active, ...(link.reason !== undefined ? { reason: link.reason } : {}) },
  };
  await deps.ledger.append(event);
  return { linked: true };
}
