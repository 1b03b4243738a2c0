import type { Logger } from './logger.js'

const ignore = (): void => {}

/**
 * A logger that drops everything: the bus's default when none is given.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ logger: noopLogger })
 * ```
 */
export const noopLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => noopLogger,
}
