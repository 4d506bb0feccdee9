import { isAccountLister } from '../../connector-sdk/Connector.js';
import { ConnectorError } from '../../connector-sdk/ConnectorError.js';
import type { ConnectorImport, ImportMode } from '../../domain/ConnectorImport.js';
import type { ConnectorRuntime } from '../../fanout/ConnectorRuntime.js';
import type { Ledger } from '../../ledger/Ledger.js';
import type { Logger } from '../../observability/Logger.js';
import type { ImportStore } from '../../ports/ImportStore.js';
import { saveImportState } from '../admin/saveImportState.js';
import type { ImportingApps } from '../ImportingApps.js';

export interface ImportModeDependencies {
  readonly connectors: Pick<ConnectorRuntime, 'get' | 'ids'>;
  readonly imports: ImportStore;
  readonly importing: Pick<ImportingApps, 'forget'>;
  readonly ledger: Pick<Ledger, 'append'>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Decides the import mode of apps new to the policy, and looks again at apps whose listing failed.
 * A new app that lists accounts starts importing: they existed before Perimeter, and creating
 * accounts for people who already hold one (or disabling accounts nobody has linked yet) is what
 * the import prevents. One that lists none is active at once; one whose connector cannot list is
 * active with a warning (its accounts cannot be imported, so creates may meet existing accounts,
 * which connectors report instead of adopting). One that cannot be listed now is held as importing
 * and probed again on every recovery tick, so an app down at connection time is not provisioned
 * blind. Each decision is ledgered on the app's chain; an app that already has a mode keeps it.
 */
export async function settleImportModes(deps: ImportModeDependencies, newApps: readonly string[]): Promise<ReadonlyMap<string, ImportMode>> {
  const decided = new Map<string, ImportMode>();
  const fresh = new Set(newApps);
  for (const app of deps.connectors.ids()) {
    const state = await deps.imports.get(app);
    const undecided = state?.mode === undefined && fresh.has(app);
    const retry = state?.mode?.state === 'importing' && state.mode.reason === 'listing-failed';
    if (!undecided && !retry) continue;
    const mode = await probe(deps, app);
    const before = state?.mode;
    // Still failing: nothing new to save or record.
    if (before?.state === mode.mode.state && before.reason === mode.mode.reason) continue;
    // Saved only while the state is still the one probed from: a second process deciding the same
    // app at once, or an approval meanwhile, wins and this decision is dropped.
    const saved = await saveImportState(deps.imports, app, mode.at, { mode: mode.mode }, (current) => isDeepSame(current?.mode, before));
    if (!saved) continue;
    decided.set(app, mode.mode);
    deps.importing.forget();
    await deps.ledger.append({
      eventId: `import-mode:${app}:${saved.version}`,
      chain: `connector#${app}`,
      type: 'connector.import-mode',
      occurredAt: mode.mode.since,
      source: { channel: 'schedule', actor: 'import-mode' },
      outcome: 'recorded',
      app,
      detail: { state: mode.mode.state, reason: mode.mode.reason, ...(before ? { previous: before.reason } : {}) },
    });
    if (mode.failure !== undefined) {
      // Once, when the app is first held: the retries every recovery tick say nothing until it answers.
      deps.logger.warn("Could not list a new connector's accounts; it stays in import mode and is listed again on each recovery tick", { connector: app, failure: mode.failure });
    } else if (mode.mode.reason === 'cannot-list') {
      deps.logger.warn('Connector cannot list its accounts: it starts active, and accounts its app already has cannot be imported or linked', { connector: app });
    } else if (mode.mode.state === 'importing') {
      deps.logger.info('Connector starts in import mode: import and approve its accounts before Perimeter provisions there', { connector: app, reason: mode.mode.reason });
    }
  }
  return decided;
}

async function probe(deps: ImportModeDependencies, app: string): Promise<{ readonly mode: ImportMode; readonly at: Date; readonly failure?: string }> {
  const runtime = deps.connectors.get(app);
  const at = (): Date => deps.now?.() ?? new Date();
  const lister = runtime?.connector;
  if (!runtime || !lister || !isAccountLister(lister)) {
    const now = at();
    return { mode: { state: 'active', reason: 'cannot-list', since: now.toISOString() }, at: now };
  }
  try {
    // One page tells: an app with any account at all (active or not) has accounts to import.
    const page = await runtime.limit(() => lister.listAccounts());
    const now = at();
    const empty = page.accounts.length === 0 && page.nextCursor === undefined;
    return { mode: empty ? { state: 'active', reason: 'no-accounts', since: now.toISOString() } : { state: 'importing', reason: 'accounts-found', since: now.toISOString() }, at: now };
  } catch (error) {
    // The kind only: a vendor's error text may carry the names of the accounts it could not list.
    const failure = error instanceof ConnectorError ? error.kind : 'error';
    const now = at();
    return { mode: { state: 'importing', reason: 'listing-failed', since: now.toISOString() }, at: now, failure };
  }
}

function isDeepSame(a: ConnectorImport['mode'], b: ConnectorImport['mode']): boolean {
  return a?.state === b?.state && a?.reason === b?.reason && a?.since === b?.since;
}
