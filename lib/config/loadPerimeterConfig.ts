import { readFile } from 'node:fs/promises';
import { ConfigError } from './ConfigError.js';
import { formatConfigIssues } from './formatConfigIssues.js';
import { type PerimeterConfig, perimeterConfigSchema } from './perimeterConfigSchema.js';

/** Reads and validates the operator's JSON config; every problem is reported at once, by path. */
export async function loadPerimeterConfig(path: string | undefined): Promise<PerimeterConfig> {
  if (path === undefined) return parsePerimeterConfig({}, 'defaults');
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
  return parsePerimeterConfig(parsed, path);
}

export function parsePerimeterConfig(input: unknown, origin: string): PerimeterConfig {
  const result = perimeterConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`Config ${origin} is invalid:\n${formatConfigIssues(result.error.issues, input)}`);
  return result.data;
}
