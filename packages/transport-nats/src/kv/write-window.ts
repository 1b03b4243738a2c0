/**
 * Backpressure for a store's ledger writes: at most `limit` of them in flight. New work (`admit`: an accept)
 * waits, first come first served, while the window is full; work that drains the ledger (`track`: outcome
 * writes) never waits but counts, so it goes ahead of the accepts waiting. Without it, accepts offered faster than
 * the server stores them queue KV writes without bound, and the consumer's reads and outcome writes wait behind
 * them: throughput collapses instead of levelling off at what the server can take.
 *
 * @example
 * ```ts
 * const window = new WriteWindow(256)
 * await window.admit(1, () => ledger.accept(event, handlers)) // waits while 256 writes are in flight
 * await window.track(records.length, () => ledger.record(records)) // never waits
 * ```
 */
export class WriteWindow {
  readonly #limit: number
  #inFlight = 0
  /** Admitted work waiting for room, oldest first, with the units it takes. */
  readonly #waiting: { units: number; enter: () => void }[] = []

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Writes in flight now. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Runs `write` (counting `units` in flight) once the window has room and nobody admitted earlier waits. */
  async admit<T>(units: number, write: () => Promise<T>): Promise<T> {
    if (this.#inFlight < this.#limit && this.#waiting.length === 0) this.#inFlight += units
    else await new Promise<void>((enter) => this.#waiting.push({ units, enter }))
    return this.#run(units, write)
  }

  /** Runs `write` at once, counting `units` in flight until it settles. */
  track<T>(units: number, write: () => Promise<T>): Promise<T> {
    this.#inFlight += units
    return this.#run(units, write)
  }

  async #run<T>(units: number, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } finally {
      this.#inFlight -= units
      // The units of a waiter are counted as it is let in, so two releases in a row do not let in too many.
      while (this.#inFlight < this.#limit && this.#waiting.length > 0) {
        const next = this.#waiting.shift()!
        this.#inFlight += next.units
        next.enter()
      }
    }
  }
}
