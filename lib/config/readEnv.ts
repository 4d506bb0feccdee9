import { ConfigError } from './ConfigError.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Reads a variable that must be set; fails loudly at start-up instead of at the first request. */
export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

export function optionalEnv(name: string, env: Env = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function intEnv(name: string, fallback: number, env: Env = process.env): number {
  const raw = optionalEnv(name, env);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}
