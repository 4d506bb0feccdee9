export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logging port. Callers pass facts, never secrets or request bodies. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
