import { readFile } from 'node:fs/promises';
import { ConfigError } from './ConfigError.js';

/**
 * The operator's configuration file (JSON). Sections are validated by the areas that own them as
 * they arrive; unknown top-level sections are refused so a typo does not silently disable a control.
 */
export interface PerimeterConfig {
  readonly connectors?: unknown;
  readonly policy?: unknown;
  readonly webhooks?: unknown;
  readonly leaver?: unknown;
}

const SECTIONS = new Set(['connectors', 'policy', 'webhooks', 'leaver', '$schema', 'description']);

export async function loadPerimeterConfig(path: string | undefined): Promise<PerimeterConfig> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${path} must hold a JSON object`);
  }
  const unknown = Object.keys(parsed).filter((key) => !SECTIONS.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`Config file ${path} has unknown sections: ${unknown.join(', ')} (known: connectors, policy, webhooks, leaver)`);
  }
  return parsed as PerimeterConfig;
}
