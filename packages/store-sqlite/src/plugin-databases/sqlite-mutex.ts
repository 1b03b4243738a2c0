/**
 * One holder at a time, in arrival order: a SQLite connection is one session, so while a transaction is open
 * every other statement on it must wait or it would run inside that transaction.
 *
 * @example
 * ```ts
 * const release = await mutex.lock()
 * try { db.exec('BEGIN') } finally { release() }
 * ```
 */
export class SqliteMutex {
  #tail: Promise<void> = Promise.resolve()

  /** Resolves with the function that releases the lock once every earlier holder released it. */
  lock(): Promise<() => void> {
    let release!: () => void
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const acquired = this.#tail.then(() => release)
    this.#tail = this.#tail.then(() => released)
    return acquired
  }
}
