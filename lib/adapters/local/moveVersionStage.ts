import type { VersionStage } from '../../ports/SecretStore.js';
import { canonicalStages } from '../../secrets/canonicalStages.js';

interface Staged {
  readonly versionId: string;
  readonly stages: readonly VersionStage[];
}

/**
 * Secrets Manager's staging rule: a stage is on one version at most, so attaching it to `toVersionId`
 * detaches it from whichever version held it; and when AWSCURRENT moves, AWSPREVIOUS follows to the
 * version AWSCURRENT left. Returns a new array; the input is not changed.
 */
export function moveVersionStage<T extends Staged>(versions: readonly T[], stage: VersionStage, toVersionId: string): T[] {
  const holder = versions.find((version) => version.stages.includes(stage));
  if (holder?.versionId === toVersionId) return [...versions];
  const moved = versions.map((version) => {
    if (version.versionId === toVersionId) return { ...version, stages: canonicalStages([...version.stages, stage]) };
    if (version === holder) return { ...version, stages: version.stages.filter((held) => held !== stage) };
    return version;
  });
  return stage === 'AWSCURRENT' && holder ? moveVersionStage(moved, 'AWSPREVIOUS', holder.versionId) : moved;
}
