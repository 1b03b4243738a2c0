/** One log method: pino's `(obj, msg)` or `(msg)` call shapes. */
export interface LogFn {
  (obj: object, msg?: string): void
  (msg: string): void
}

/**
 * The logger the bus, host and plugins write to. pino's `Logger` satisfies it, so a pino instance can be
 * passed as is.
 *
 * @example
 * ```ts
 * import pino from 'pino'
 * const bus = new EventBus({ logger: pino() })
 * ```
 */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child(bindings: Record<string, unknown>): Logger
}
