import { linkKeyOf } from '../../connector-sdk/linkKeyOf.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { AccessStore } from '../../ports/AccessStore.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import type { JobStore } from '../../ports/JobStore.js';
import { releaseAccountLink } from '../../reconcile/releaseAccountLink.js';
import type { AdminRequest } from '../AdminRequest.js';
import { OperationError } from '../OperationError.js';
import { type LinkImportedAccountDependencies, linkImportedAccount } from './linkImportedAccount.js';
import { readImportReport } from './readImportReport.js';
import { recordAdminAction } from './recordAdminAction.js';
import { requireConnector } from './requireConnector.js';

export interface AccountLinkDependencies extends LinkImportedAccountDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get'>;
  readonly access: LinkImportedAccountDependencies['access'] & Pick<AccessStore, 'accountHolder' | 'unlinkAccount'>;
  readonly imports: Pick<ImportStore, 'get'>;
  readonly parts: Pick<JobStore, 'getPart'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly now?: () => Date;
}

export type AccountLinkRequest =
  | { readonly action: 'link'; readonly app: string; readonly accountId: string; readonly personId: string; readonly reason: string }
  | { readonly action: 'unlink'; readonly app: string; readonly accountId: string; readonly reason: string };

/**
 * An operator links one app account to a person by hand (an ambiguous or unmatched account of the
 * last import report, which names every account the app listed), or releases a link. Either is
 * ledgered with the operator's reason. After an unlink Perimeter records the person as holding no
 * account in the app, so no step acts on that account for them.
 */
export async function setAccountLink(
  deps: AccountLinkDependencies,
  input: AccountLinkRequest,
  request: AdminRequest,
): Promise<{ readonly app: string; readonly accountId: string; readonly personId: string; readonly action: 'linked' | 'unlinked' }> {
  const { app, accountId, reason } = input;
  const runtime = requireConnector(deps.connectors, app);
  const linkKey = linkKeyOf(runtime.connector, accountId);
  const now = deps.now?.() ?? new Date();
  if (input.action === 'unlink') {
    const holder = await deps.access.accountHolder(app, linkKey);
    if (holder === undefined) throw new OperationError('notFound', `Account ${accountId} of "${app}" is linked to nobody`);
    await releaseAccountLink(deps.access, { personId: holder, app, linkKey }, now.toISOString());
    await recordAdminAction(deps.ledger, request, { chain: `access#${holder}#${app}`, type: 'account.unlinked', personId: holder, app, detail: { accountId, reason } }, now);
    return { app, accountId, personId: holder, action: 'unlinked' };
  }
  const state = await deps.imports.get(app);
  if (!state?.report) throw new OperationError('notFound', `Connector "${app}" has no import report; POST /admin/connectors/${app}/import lists its accounts first`);
  const report = await readImportReport(deps.parts, state.report);
  const listed = [...report.linked, ...report.ambiguous, ...report.unmatched, ...report.alreadyLinked].find((account) => account.accountId === accountId);
  if (!listed) throw new OperationError('notFound', `Account ${accountId} is not in the last import report of "${app}" (${state.report.reportId}); import again if the app has it now`);
  const outcome = await linkImportedAccount(
    deps,
    { app, accountId, linkKey, personId: input.personId, active: listed.active, reportId: `manual:${request.requestId}`, reason },
    request,
    now,
  );
  if (!outcome.linked) throw new OperationError(outcome.refusal === 'absent' ? 'notFound' : 'conflict', `Account ${accountId} was not linked: ${outcome.reason}`);
  return { app, accountId, personId: input.personId, action: 'linked' };
}
