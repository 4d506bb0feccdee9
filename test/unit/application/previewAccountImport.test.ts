import { describe, expect, it } from 'vitest';
import { previewAccountImport } from '../../../lib/application/admin/previewAccountImport.js';
import { OperationError } from '../../../lib/application/OperationError.js';
import type { AccountPage } from '../../../lib/connector-sdk/Connector.js';
import type { ActualAccess } from '../../../lib/domain/AccessRecords.js';
import type { UserRecord } from '../../../lib/domain/DirectoryRecords.js';
import type { RuntimeConnector } from '../../../lib/fanout/ConnectorRuntime.js';

const user = (id: string, email: string): UserRecord => ({
  id,
  userName: `${id}@example.com`,
  active: true,
  version: 1,
  created: '',
  lastModified: '',
  attributes: { emails: [{ value: email, primary: true }] },
});

describe('previewAccountImport', () => {
  const pages: Record<string, AccountPage> = {
    first: { accounts: [{ accountId: 'U1', userName: 'ada', email: 'ADA@example.com', active: true }], nextCursor: 'second' },
    second: { accounts: [{ accountId: 'U2', userName: 'bob', email: 'bob@example.com', active: false }, { accountId: 'U3', userName: 'zed', active: true }] },
  };
  const deps = (listable = true) => {
    const calls: string[] = [];
    const connector = { id: 'crm', type: 'memory', ...(listable ? { listAccounts: async (cursor?: string) => (calls.push(`list ${cursor ?? 'first'}`), pages[cursor ?? 'first']!) } : {}) };
    const runtime = {
      config: { correlation: ['email', 'userName'] },
      connector,
      limit: async <T>(call: () => Promise<T>): Promise<T> => (calls.push('limited'), call()),
    } as unknown as RuntimeConnector;
    return {
      calls,
      deps: {
        connectors: { get: (id: string) => (id === 'crm' ? runtime : undefined) },
        directory: { listUsers: async () => [user('ada', 'ada@example.com'), user('bob', 'bob@example.com')] },
        access: { listActualByApp: async (): Promise<ActualAccess[]> => [{ personId: 'bob', app: 'crm', accountId: 'U2', status: 'disabled', entitlements: [], updatedAt: '' } as ActualAccess] },
        now: () => new Date('2026-03-01T00:00:00.000Z'),
      },
    };
  };

  it('reads every page within the rate limit and sorts the accounts into linked, already linked and unmatched', async () => {
    // Prepare
    const { deps: dependencies, calls } = deps();

    // Act
    const report = await previewAccountImport(dependencies, 'crm');

    // Assess
    expect(calls).toEqual(['limited', 'list first', 'limited', 'list second']);
    expect(report).toEqual({
      app: 'crm',
      checkedAt: '2026-03-01T00:00:00.000Z',
      accounts: 3,
      linked: [{ accountId: 'U1', userName: 'ada', email: 'ADA@example.com', active: true, personId: 'ada', rule: 'email' }],
      ambiguous: [],
      unmatched: [{ accountId: 'U3', userName: 'zed', active: true }],
      alreadyLinked: [{ accountId: 'U2', userName: 'bob', email: 'bob@example.com', active: false, personId: 'bob' }],
    });
  });

  it('refuses an unknown connector and one that cannot list its accounts', async () => {
    await expect(previewAccountImport(deps().deps, 'nope')).rejects.toMatchObject({ kind: 'notFound' });
    const refusal = previewAccountImport(deps(false).deps, 'crm');
    await expect(refusal).rejects.toBeInstanceOf(OperationError);
    await expect(refusal).rejects.toMatchObject({ kind: 'invalid', message: expect.stringContaining('cannot list its accounts') });
  });
});
