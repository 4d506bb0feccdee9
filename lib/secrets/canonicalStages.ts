import type { VersionStage } from '../ports/SecretStore.js';
import { VERSION_STAGES } from './isVersionStage.js';

/** Known stages only, each once, in VERSION_STAGES order: custom labels set outside Perimeter are dropped. */
export function canonicalStages(labels: readonly string[] | undefined): VersionStage[] {
  return VERSION_STAGES.filter((stage) => labels?.includes(stage));
}
