import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../connector-sdk/ConnectorError.js';
import { type AppAccount, isAccountLister } from '../connector-sdk/Connector.js';
import type { UserRecord } from '../domain/DirectoryRecords.js';
import type { ConnectorRuntime } from '../fanout/ConnectorRuntime.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { PersonSnapshot } from '../domain/PersonSnapshot.js';
import type { AccessCorrection, Planner } from '../plan/Planner.js';
import type { AccessStore } from '../ports/AccessStore.js';
import type { DirectoryStore } from '../ports/DirectoryStore.js';
import { toPersonSnapshot } from '../directory/toPersonSnapshot.js';
import { linkKeyOf } from '../connector-sdk/linkKeyOf.js';
import { listAllAccounts } from './listAllAccounts.js';
import { releaseAccountLink } from './releaseAccountLink.js';
import type { EntitlementDrift, MissingAccess, OrphanAccount, ReconciliationReport, StaleLink } from './ReconciliationReport.js';

export interface ReconcilerDependencies {
  readonly connectors: ConnectorRuntime;
  readonly directory: DirectoryStore;
  readonly access: AccessStore;
  readonly planner: Pick<Planner, 'planCorrections'>;
  readonly ledger: Ledger;
  /** Whether an app is in import mode (ImportingApps): its findings are reported, not fixed. */
  readonly importing?: (app: string) => Promise<boolean>;
  readonly now?: () => Date;
}

/**
 * Compares each app with the directory and policy: accounts nobody active owns (orphans: leavers
 * the app still knows, accounts created outside Perimeter), entitlements policy does not justify
 * or that are missing (drift), and accounts people should hold that the app lost (missing: a link
 * to an account gone or disabled in the app), and links to accounts gone from the app that nobody
 * is owed (stale). Reports every finding to the ledger; with `fix`, has the planner plan the steps
 * that disable orphans, correct drift and restore missing accounts, and releases stale links. An
 * app in import mode is reported and never fixed.
 */
export class Reconciler {
  private readonly now: () => Date;

  public constructor(private readonly deps: ReconcilerDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The configured apps whose connectors can list accounts: the ones reconciliation can compare. */
  public listableApps(): string[] {
    return this.deps.connectors.ids().filter((app) => {
      const runtime = this.deps.connectors.get(app);
      return runtime !== undefined && isAccountLister(runtime.connector);
    });
  }

  public async reconcile(app: string, fixAsked: boolean): Promise<ReconciliationReport> {
    // An app in import mode holds accounts nobody has linked yet: every one would look like an
    // orphan, and disabling them is what the import's approval is there to prevent.
    const importing = (await this.deps.importing?.(app)) === true;
    const fix = fixAsked && !importing;
    const runId = randomUUID();
    const checkedAt = this.now().toISOString();
    const runtime = this.deps.connectors.get(app);
    if (!runtime || !isAccountLister(runtime.connector)) throw new Error(`${app} cannot list accounts`);
    const lister = runtime.connector;
    let accounts: AppAccount[];
    try {
      ({ accounts } = await listAllAccounts(runtime, lister));
    } catch (error) {
      const message = error instanceof ConnectorError ? `${error.kind}: ${error.message}` : (error as Error).message;
      const failed = { app, runId, checkedAt, accounts: 0, orphans: [], drift: [], missing: [], staleLinks: [], linksReleased: 0, stepsQueued: 0, ...(importing ? { importing: true as const } : {}), error: message };
      await this.record(failed);
      return failed;
    }

    const users = await this.deps.directory.listUsers();
    const people = indexPeople(users);
    const byId = new Map(users.map((user) => [user.id, user]));
    // An account is its link's person's; names are only a fallback for accounts nobody is linked to
    // (an app that folds names, or a rename the app has not seen, would otherwise mislead).
    const rows = await this.deps.access.listActualByApp(app);
    const linked = new Map(rows.flatMap((row) => (row.accountId !== undefined && row.status !== 'deleted' ? [[row.accountId, row.personId] as const] : [])));
    const orphans: OrphanAccount[] = [];
    const drift: EntitlementDrift[] = [];
    let stepsQueued = 0;
    // Fixes go through the planner like any other change: planned access written with the steps,
    // queued, and finished by recovery if this run is cut off.
    const correct = async (person: PersonSnapshot, corrections: readonly AccessCorrection[], eventId = `reconcile:${runId}:${person.id}`): Promise<void> => {
      const plan = await this.deps.planner.planCorrections(person, app, eventId, corrections);
      stepsQueued += plan?.steps.length ?? 0;
    };

    for (const account of accounts) {
      if (!account.active) continue;
      const holder = linked.get(account.accountId);
      const user =
        holder !== undefined ? byId.get(holder) : (people.get(account.userName.toLowerCase()) ?? (account.email ? people.get(account.email.toLowerCase()) : undefined));
      const planned = user ? await this.deps.access.getPlanned(user.id) : undefined;
      const expected = user?.active ? planned?.apps[app] : undefined;
      if (!user || !user.active || !expected || expected.status !== 'active') {
        const reason = !user ? 'no matching person' : !user.active ? 'person is inactive' : 'no rule grants this app';
        orphans.push({ accountId: account.accountId, userName: account.userName, ...(account.email ? { email: account.email } : {}), reason, ...(user ? { personId: user.id } : {}) });
        // The step names the account: the subject may carry none of the attributes the app keys
        // its accounts by (a synthetic one has only what the account shows), and a lookup by the
        // person could land on another of their accounts, or on none.
        const synthetic = !user && holder === undefined;
        const subject: PersonSnapshot = user
          ? toPersonSnapshot(user)
          : { id: holder ?? `orphan:${app}:${account.accountId}`, userName: account.userName, active: false, ...(account.email ? { email: account.email } : {}) };
        const disable: AccessCorrection = { action: 'disableAccount', reason: `reconciliation: orphan account (${reason})`, accountId: account.accountId };
        // An event per account of a real person: one with two accounts in the app (one linked, one
        // matched by name) would otherwise have the second disable dropped as planned already.
        if (fix) await correct(subject, [disable], `reconcile:${runId}:${subject.id}${synthetic ? '' : `:${account.accountId}`}`);
        continue;
      }
      if (account.entitlements === undefined) continue;
      const held = new Set(account.entitlements);
      const wanted = new Set(expected.entitlements);
      const unjustified = [...held].filter((e) => !wanted.has(e)).sort();
      const missing = [...wanted].filter((e) => !held.has(e)).sort();
      if (unjustified.length || missing.length) {
        drift.push({ personId: user.id, accountId: account.accountId, unjustified, missing });
        if (fix) {
          await correct(toPersonSnapshot(user), [
            ...unjustified.map((entitlement) => ({ action: 'revoke' as const, reason: `reconciliation: no rule justifies ${entitlement}`, entitlement })),
            ...missing.map((entitlement) => ({ action: 'grant' as const, reason: `reconciliation: policy grants ${entitlement}`, entitlement })),
          ]);
        }
      }
    }
    // Access the app lost: an active person's link names an account the app no longer lists, or
    // lists disabled. While policy still gives them the app, the fix is the create step any
    // joiner gets: it makes a new account (releasing the stale link) or re-enables their own.
    const listed = new Map(accounts.map((account) => [account.accountId, account] as const));
    const missing: MissingAccess[] = [];
    const staleLinks: StaleLink[] = [];
    let linksReleased = 0;
    for (const row of rows) {
      if (row.status === 'deleted' || row.accountId === undefined) continue;
      const user = byId.get(row.personId);
      const account = listed.get(row.accountId);
      if (account?.active) continue;
      const reason = account ? ('account disabled in the app' as const) : ('account gone from the app' as const);
      const wanted = row.status === 'active' && user?.active === true && (await this.deps.access.getPlanned(user.id))?.apps[app]?.status === 'active';
      if (wanted) {
        missing.push({ personId: row.personId, accountId: row.accountId, reason });
        if (fix) await correct(toPersonSnapshot(user), [{ action: 'createAccount', reason: `reconciliation: ${reason}` }], `reconcile:${runId}:${row.personId}:missing`);
      } else if (!account) {
        // Nobody is owed an account and the one linked is gone: the link only misleads the next
        // import (it would call the account already linked) and audit reads of who holds what.
        staleLinks.push({ personId: row.personId, accountId: row.accountId });
        if (fix) {
          await releaseAccountLink(this.deps.access, { personId: row.personId, app, linkKey: linkKeyOf(runtime.connector, row.accountId) }, checkedAt);
          linksReleased++;
        }
      }
    }
    const report = { app, runId, checkedAt, accounts: accounts.length, orphans, drift, missing, staleLinks, linksReleased, stepsQueued, ...(importing ? { importing: true as const } : {}) };
    await this.record(report);
    return report;
  }

  private async record(report: ReconciliationReport): Promise<void> {
    await this.deps.ledger.append({
      eventId: `reconcile:${report.runId}`,
      chain: `connector#${report.app}`,
      type: 'reconciliation.report',
      occurredAt: report.checkedAt,
      source: { channel: 'schedule', actor: 'reconciler', requestId: report.runId },
      outcome: report.error ? 'failed' : 'recorded',
      app: report.app,
      detail: {
        accounts: report.accounts,
        orphans: report.orphans,
        drift: report.drift,
        missing: report.missing,
        staleLinks: report.staleLinks,
        linksReleased: report.linksReleased,
        stepsQueued: report.stepsQueued,
        ...(report.importing ? { importing: true } : {}),
        ...(report.error ? { error: report.error } : {}),
      },
    });
  }
}

function indexPeople(users: readonly UserRecord[]): Map<string, UserRecord> {
  const index = new Map<string, UserRecord>();
  for (const user of users) {
    index.set(user.userName.toLowerCase(), user);
    const email = toPersonSnapshot(user).email;
    if (email && !index.has(email.toLowerCase())) index.set(email.toLowerCase(), user);
  }
  return index;
}
