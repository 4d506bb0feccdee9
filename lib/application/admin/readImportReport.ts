import type { ImportReportRef } from '../../domain/ConnectorImport.js';
import type { JobStore } from '../../ports/JobStore.js';
import type { ImportMatches } from '../../reconcile/ImportReport.js';
import type { ImportReportEntry } from './reportAccountImport.js';

type Lists = { -readonly [K in keyof ImportMatches]: ImportMatches[K][number][] };

/** A stored import report's lists, read back from its parts in the order they were written. */
export async function readImportReport(parts: Pick<JobStore, 'getPart'>, ref: ImportReportRef): Promise<ImportMatches> {
  const lists: Lists = { linked: [], ambiguous: [], unmatched: [], alreadyLinked: [] };
  for (let index = 0; index < ref.parts; index++) {
    const chunk = (await parts.getPart(ref.reportId, `report-${index}`)) as ImportReportEntry[] | undefined;
    if (!chunk) throw new Error(`Import report ${ref.reportId} has lost its part ${index}`);
    for (const { list, ...entry } of chunk) (lists[list] as unknown[]).push(entry);
  }
  return lists;
}
