import * as z from 'zod';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import type { ConnectorDefinition } from '../../lib/connector-sdk/ConnectorDefinition.js';
import type {
  AccountLister,
  AccountManager,
  AccountPage,
  AccountResult,
  AppAccount,
  ChangeResult,
  Connector,
  EntitlementProvisioner,
  OwnershipTransferrer,
  SessionRevoker,
} from '../../lib/connector-sdk/Connector.js';
import type { PersonSnapshot } from '../../lib/domain/PersonSnapshot.js';
import { sameIdentifier } from '../../lib/connector-sdk/sameIdentifier.js';

/** The state of one in-memory app, for assertions. */
export class MemoryApp {
  public readonly accounts = new Map<string, { account: AppAccount & { entitlements: string[] }; title?: string; deleted: boolean }>();
  public readonly sessionRevocations: string[] = [];
  public readonly transfers: [string, string][] = [];
  /** Every mutating call, with its idempotency key (for exactly-once checks). */
  public readonly calls: { op: string; key: string; accountId?: string; entitlement?: string }[] = [];
  /** Latency per call (the fan-out benchmark's "50 ms per app"). */
  public latencyMs = 0;
  /** Fail the next N calls with this error. */
  public failNext: { error: ConnectorError; times: number } | undefined;

  public async gate(op: string, key: string, extra: { accountId?: string; entitlement?: string } = {}): Promise<void> {
    // The app's latency, modelled (a slow vendor call): not a test waiting for time.
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    this.failIfAsked();
    this.calls.push({ op, key, ...extra });
  }

  /** Reads fail as `failNext` says too (they are not recorded in `calls`). */
  public failIfAsked(): void {
    if (this.failNext && this.failNext.times > 0) {
      this.failNext.times--;
      throw this.failNext.error;
    }
  }
}

/** A connector type whose apps live in memory: every capability, idempotent like a real vendor. */
export function memoryConnectorDefinition(apps: Map<string, MemoryApp>): ConnectorDefinition {
  return {
    type: 'memory',
    settingsSchema: z.object({}).strict(),
    create: (id) => {
      const app = apps.get(id) ?? new MemoryApp();
      apps.set(id, app);
      return new MemoryConnector(id, app);
    },
  };
}

class MemoryConnector implements Connector, AccountManager, EntitlementProvisioner, SessionRevoker, OwnershipTransferrer, AccountLister {
  public readonly type = 'memory';

  public constructor(
    public readonly id: string,
    private readonly app: MemoryApp,
  ) {}

  public async findAccount(person: PersonSnapshot): Promise<AppAccount | undefined> {
    const entry = [...this.app.accounts.values()].find((e) => !e.deleted && e.account.userName === person.userName);
    return entry ? { ...entry.account } : undefined;
  }

  public async createAccount(person: PersonSnapshot, key: string): Promise<AccountResult> {
    await this.app.gate('createAccount', key);
    const existing = [...this.app.accounts.values()].find((e) => !e.deleted && e.account.userName === person.userName);
    // Reported, never adopted: the engine decides whether the account is the person's.
    if (existing) return { changed: false, existing: true, account: { ...existing.account } };
    const account = { accountId: `acct-${this.app.accounts.size + 1}`, userName: person.userName, active: true, entitlements: [] as string[] };
    this.app.accounts.set(account.accountId, { account, title: person.title, deleted: false });
    return { changed: true, account: { ...account } };
  }

  public correlates(account: AppAccount, person: PersonSnapshot): boolean {
    return sameIdentifier(account.userName, person.userName);
  }

  public async enableAccount(accountId: string, key: string): Promise<AccountResult> {
    await this.app.gate('enableAccount', key, { accountId });
    const entry = this.require(accountId);
    const changed = !entry.account.active;
    entry.account = { ...entry.account, active: true };
    return { changed, account: { ...entry.account } };
  }

  public async updateAccount(accountId: string, person: PersonSnapshot, key: string): Promise<AccountResult> {
    await this.app.gate('updateAccount', key, { accountId });
    const entry = this.require(accountId);
    const changed = entry.title !== person.title;
    entry.title = person.title;
    return { changed, account: { ...entry.account } };
  }

  public async disableAccount(accountId: string, key: string): Promise<ChangeResult> {
    await this.app.gate('disableAccount', key, { accountId });
    const entry = this.require(accountId);
    const changed = entry.account.active;
    entry.account = { ...entry.account, active: false };
    return { changed };
  }

  public async deleteAccount(accountId: string, key: string): Promise<ChangeResult> {
    await this.app.gate('deleteAccount', key, { accountId });
    const entry = this.app.accounts.get(accountId);
    if (!entry || entry.deleted) return { changed: false };
    entry.deleted = true;
    return { changed: true };
  }

  public async grant(accountId: string, entitlement: string, key: string): Promise<ChangeResult> {
    await this.app.gate('grant', key, { accountId, entitlement });
    const entry = this.require(accountId);
    if (entry.account.entitlements.includes(entitlement)) return { changed: false };
    entry.account.entitlements.push(entitlement);
    return { changed: true };
  }

  public async revoke(accountId: string, entitlement: string, key: string): Promise<ChangeResult> {
    await this.app.gate('revoke', key, { accountId, entitlement });
    const entry = this.require(accountId);
    const index = entry.account.entitlements.indexOf(entitlement);
    if (index < 0) return { changed: false };
    entry.account.entitlements.splice(index, 1);
    return { changed: true };
  }

  public async revokeSessions(accountId: string, key: string): Promise<ChangeResult> {
    await this.app.gate('revokeSessions', key, { accountId });
    this.app.sessionRevocations.push(accountId);
    return { changed: true };
  }

  public async transferOwnership(from: string, to: string, key: string): Promise<ChangeResult> {
    await this.app.gate('transferOwnership', key, { accountId: from });
    this.app.transfers.push([from, to]);
    return { changed: true };
  }

  public async listAccounts(cursor?: string): Promise<AccountPage> {
    this.app.failIfAsked();
    const all = [...this.app.accounts.values()].filter((e) => !e.deleted).map((e) => ({ ...e.account }));
    const start = cursor ? Number(cursor) : 0;
    const page = all.slice(start, start + 2);
    return { accounts: page, ...(start + 2 < all.length ? { nextCursor: String(start + 2) } : {}) };
  }

  private require(accountId: string): { account: AppAccount & { entitlements: string[] }; title?: string; deleted: boolean } {
    const entry = this.app.accounts.get(accountId);
    if (!entry || entry.deleted) throw new ConnectorError('notFound', `${this.id}: no account ${accountId}`);
    return entry;
  }
}
