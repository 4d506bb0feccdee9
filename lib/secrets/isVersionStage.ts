import type { VersionStage } from '../ports/SecretStore.js';

/** The stages in the order they are reported everywhere (CLI, descriptions), so output is stable. */
export const VERSION_STAGES: readonly VersionStage[] = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'];

/** Secrets Manager allows custom staging labels; Perimeter uses only the three rotation stages. */
export function isVersionStage(label: string): label is VersionStage {
  return (VERSION_STAGES as readonly string[]).includes(label);
}
