import { expect } from 'vitest';
import type { TestPerimeter } from './startTestPerimeter.js';

/**
 * What an operator does for every connector that started in import mode (its app had accounts
 * already): import the app's accounts and approve the report, so provisioning there begins.
 * Returns the apps it took out of import mode.
 */
export async function approveImports(perimeter: Pick<TestPerimeter, 'admin'>): Promise<string[]> {
  const { connectors } = (await perimeter.admin('/connectors')).body as { connectors: { id: string; mode: { state: string } }[] };
  const importing = connectors.filter((connector) => connector.mode.state === 'importing').map((connector) => connector.id);
  for (const app of importing) {
    const report = await perimeter.admin(`/connectors/${app}/import`, { method: 'POST' });
    expect(report.status).toBe(200);
    const approved = await perimeter.admin(`/connectors/${app}/import/approve`, { method: 'POST', body: { reportId: report.body.reportId } });
    expect(approved.status).toBe(200);
  }
  return importing;
}
