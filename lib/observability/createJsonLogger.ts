import type { LogFields, Logger } from './Logger.js';

type Level = 'info' | 'warn' | 'error';

/**
 * One JSON object per line (what CloudWatch Logs Insights and most SIEMs parse). Errors are reduced
 * to name, message and cause chain: stack traces stay, request data does not.
 */
export function createJsonLogger(service: string, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (level: Level, message: string, fields: LogFields = {}): void => {
    const entry: Record<string, unknown> = { level, time: new Date().toISOString(), service, message };
    for (const [key, value] of Object.entries(fields)) entry[key] = value instanceof Error ? describeError(value) : value;
    write(JSON.stringify(entry));
  };
  return {
    info: (message, fields) => log('info', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

function describeError(error: Error, depth = 0): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause instanceof Error && depth < 5 ? { cause: describeError(error.cause, depth + 1) } : {}),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
