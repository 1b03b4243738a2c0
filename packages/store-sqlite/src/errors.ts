import { SwitchyardError } from '@switchyard/core'

function reason(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/**
 * The database file could not be opened, created or migrated: a corrupt or foreign file, a path that cannot be
 * written, or a schema newer than this package. Thrown at open, never later.
 *
 * @example
 * ```ts
 * try { openSqliteStore({ path: 'data/switchyard.db' }) } catch (error) {
 *   if (error instanceof StoreOpenError) console.error(error.path, error.message)
 * }
 * ```
 */
export class StoreOpenError extends SwitchyardError {
  readonly path: string

  constructor(path: string, cause: unknown) {
    super('E_STORE_OPEN', `cannot open SQLite store at ${path}: ${reason(cause)}`, { cause })
    this.path = path
  }
}

/** `SqliteStore` options failed validation; the message lists each bad option by path. */
export class StoreOptionsError extends SwitchyardError {
  constructor(problems: readonly string[]) {
    super('E_STORE_OPTIONS', `invalid SqliteStore options: ${problems.join('; ')}`)
  }
}

/** A write was attempted after `close()`. */
export class StoreClosedError extends SwitchyardError {
  constructor() {
    super('E_STORE_CLOSED', 'the SQLite store is closed')
  }
}

/** A value given to the store cannot be kept as JSON (e.g. `undefined`, a function, a BigInt or a cycle). */
export class StoreValueError extends SwitchyardError {
  constructor(what: string, cause?: unknown) {
    super(
      'E_STORE_VALUE',
      `${what} is not JSON-serialisable${cause === undefined ? '' : `: ${reason(cause)}`}`,
      {
        cause,
      },
    )
  }
}
