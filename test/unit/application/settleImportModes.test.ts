import { describe, expect, it } from 'vitest';
import { settleImportModes } from '../../../lib/application/scheduled/settleImportModes.js';
import { ImportingApps } from '../../../lib/application/ImportingApps.js';
import type { AccountPage } from '../../../lib/connector-sdk/Connector.js';
import type { LedgerEventDraft } from '../../../lib/domain/LedgerEvent.js';
import type { RuntimeConnector } from '../../../lib/fanout/ConnectorRuntime.js';
import { silentLogger } from '../../../lib/observability/createJsonLogger.js';
import { InMemoryImportStore } from '../../fakes/InMemoryImportStore.js';

const NOW = new Date('2026-12-02T10:00:00.000Z');

/** Apps by id: a page to list, an error to throw, or no lister at all. */
function world(apps: Record<string, AccountPage | Error | 'cannot-list'>) {
  const imports = new InMemoryImportStore();
  const ledger: LedgerEventDraft[] = [];
  const warnings: unknown[] = [];
  const runtime = (id: string): RuntimeConnector => {
    const answer = apps[id]!;
    const listAccounts = async (): Promise<AccountPage> => {
      if (answer instanceof Error) throw answer;
      return answer as AccountPage;
    };
    return { connector: { id, type: 'memory', ...(answer === 'cannot-list' ? {} : { listAccounts }) }, limit: <T>(call: () => Promise<T>) => call() } as unknown as RuntimeConnector;
  };
  const importing = new ImportingApps({ imports, apps: () => Object.keys(apps), now: () => NOW.getTime() });
  const deps = {
    connectors: { ids: () => Object.keys(apps), get: runtime },
    imports,
    importing,
    ledger: { append: async (event: LedgerEventDraft) => (ledger.push(event), undefined as never) },
    logger: { ...silentLogger, warn: (message: string, fields?: unknown) => void warnings.push({ message, fields }) },
    now: () => NOW,
  };
  return { apps, imports, ledger, warnings, importing, settle: (newApps: readonly string[]) => settleImportModes(deps, newApps) };
}

const account = { accountId: 'A1', userName: 'ada', active: false };

describe('settleImportModes', () => {
  it('holds an app with any account (a disabled one too), frees an empty one, and warns about one that cannot list', async () => {
    // Prepare
    const { imports, ledger, warnings, importing, settle } = world({ crm: { accounts: [account] }, chat: { accounts: [] }, legacy: 'cannot-list', paged: { accounts: [], nextCursor: 'x' } });

    // Act
    const decided = await settle(['crm', 'chat', 'legacy', 'paged']);

    // Assess
    expect(Object.fromEntries([...decided].map(([app, mode]) => [app, `${mode.state}/${mode.reason}`]))).toEqual({
      crm: 'importing/accounts-found',
      chat: 'active/no-accounts',
      legacy: 'active/cannot-list',
      // An empty first page that points to a next one is not an empty app.
      paged: 'importing/accounts-found',
    });
    expect((await imports.get('crm'))?.mode).toEqual({ state: 'importing', reason: 'accounts-found', since: NOW.toISOString() });
    expect([...(await importing.list())].sort()).toEqual(['crm', 'paged']);
    expect(ledger.map((event) => [event.chain, event.type, event.detail])).toContainEqual(['connector#legacy', 'connector.import-mode', { state: 'active', reason: 'cannot-list' }]);
    expect(warnings).toEqual([{ message: expect.stringContaining('cannot list its accounts'), fields: { connector: 'legacy' } }]);
  });

  it('changes no app that has a mode, and decides only the apps named new', async () => {
    // Prepare
    const { imports, ledger, settle } = world({ crm: { accounts: [account] }, chat: { accounts: [] } });
    await settle(['crm']);
    ledger.length = 0;

    // Act: crm again (a re-added app keeps its mode), chat not new (an upgrade)
    const decided = await settle(['crm']);
    await settle([]);

    // Assess
    expect(decided.size).toBe(0);
    expect(ledger).toEqual([]);
    expect(await imports.get('chat')).toBeUndefined();
    expect((await imports.get('crm'))?.version).toBe(1);
  });

  it('holds an app whose listing fails, then lists it again on each later settle until it answers', async () => {
    // Prepare
    const apps: Record<string, AccountPage | Error> = { wiki: new Error('503 for ada@example.com') };
    const { imports, ledger, warnings, settle } = world(apps);

    // Act
    await settle(['wiki']);
    const held = (await imports.get('wiki'))?.mode;
    await settle([]);
    const stillHeld = await imports.get('wiki');
    apps.wiki = { accounts: [] };
    await settle([]);

    // Assess: one save while it kept failing, then freed; each change ledgered once
    expect(held).toMatchObject({ state: 'importing', reason: 'listing-failed' });
    expect(stillHeld?.version).toBe(1);
    expect((await imports.get('wiki'))?.mode).toMatchObject({ state: 'active', reason: 'no-accounts' });
    expect(ledger.map((event) => event.detail)).toEqual([
      { state: 'importing', reason: 'listing-failed' },
      { state: 'active', reason: 'no-accounts', previous: 'listing-failed' },
    ]);
    // Warned once, by the failure's kind only (the vendor's text may name people).
    expect(warnings).toEqual([{ message: expect.stringContaining('Could not list'), fields: { connector: 'wiki', failure: 'error' } }]);
  });

  it('decides an app once when two processes settle it at once', async () => {
    // Prepare
    const { imports, ledger, settle } = world({ crm: { accounts: [account] } });

    // Act
    const both = await Promise.all([settle(['crm']), settle(['crm'])]);

    // Assess
    expect(both.map((decided) => decided.size).sort()).toEqual([0, 1]);
    expect((await imports.get('crm'))?.version).toBe(1);
    expect(ledger).toHaveLength(1);
  });
});
