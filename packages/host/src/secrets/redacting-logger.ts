import type { LogFn, Logger } from '@switchyard/core'
import { REDACTED } from './redact-config.js'

/**
 * The secret strings a host knows of (the values of `secret()` config fields of its plugins): what a
 * `redactingLogger` scrubs out of every line.
 */
export class SecretStrings {
  readonly #values = new Set<string>()
  #pattern: RegExp | undefined

  /** Remembers more values; empty strings are ignored. */
  add(values: Iterable<string>): void {
    const before = this.#values.size
    for (const value of values) if (value !== '') this.#values.add(value)
    if (this.#values.size !== before) this.#pattern = undefined
  }

  /** `text` with every known value replaced by `[redacted]`. */
  scrub(text: string): string {
    if (this.#values.size === 0) return text
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    )
    return text.replace(this.#pattern, REDACTED)
  }

  get size(): number {
    return this.#values.size
  }
}

/**
 * Wraps a logger so that no known secret reaches a line: each message and every string inside the logged object
 * (nested ones and error messages included) is scrubbed. While no secret is known, calls pass straight through.
 * Child loggers are wrapped too, so the plugins' `ctx.logger` is covered.
 *
 * @example
 * ```ts
 * const secrets = new SecretStrings()
 * const logger = redactingLogger(pino(), secrets)
 * secrets.add(['t0k3n'])
 * logger.info({ config }, 'using t0k3n') // msg: 'using [redacted]'
 * ```
 */
export function redactingLogger(logger: Logger, secrets: SecretStrings): Logger {
  const wrap =
    (method: LogFn): LogFn =>
    (first: object | string, message?: string) => {
      if (secrets.size === 0)
        return message === undefined ? method(first as never) : method(first as object, message)
      if (typeof first === 'string') return method(secrets.scrub(first))
      const scrubbed = scrubValue(first, secrets, 0) as object
      return message === undefined ? method(scrubbed) : method(scrubbed, secrets.scrub(message))
    }
  return {
    debug: wrap(logger.debug.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
    child: (bindings) => redactingLogger(logger.child(bindings), secrets),
  }
}

const MAX_DEPTH = 16

function scrubValue(value: unknown, secrets: SecretStrings, depth: number): unknown {
  if (typeof value === 'string') return secrets.scrub(value)
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1))
  if (value instanceof Error) {
    // What pino's error serialiser reads; a plain copy keeps the stack and code without the secret.
    return {
      type: value.name,
      message: secrets.scrub(value.message),
      stack: secrets.scrub(value.stack ?? ''),
      ...scrubEntries(value, secrets, depth),
    }
  }
  return scrubEntries(value, secrets, depth)
}

function scrubEntries(value: object, secrets: SecretStrings, depth: number): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, scrubValue(item, secrets, depth + 1)]),
  )
}
