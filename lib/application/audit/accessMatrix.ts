import type { AuditReads } from '../Application.js';

/** Everyone's current access in every configured app, one row per person. */
export async function accessMatrix(deps: Pick<AuditReads, 'apps' | 'access' | 'directory'>): Promise<unknown> {
  const apps = deps.apps();
  const rows = new Map<string, Record<string, { status: string; entitlements: readonly string[] }>>();
  for (const app of apps) {
    for (const access of await deps.access.listActualByApp(app)) {
      const row = rows.get(access.personId) ?? {};
      row[app] = { status: access.status, entitlements: access.entitlements };
      rows.set(access.personId, row);
    }
  }
  const people = await deps.directory.getUsers([...rows.keys()]);
  const names = new Map(people.map((user) => [user.id, user.userName]));
  return { apps, people: [...rows].map(([personId, access]) => ({ personId, userName: names.get(personId), access })) };
}
