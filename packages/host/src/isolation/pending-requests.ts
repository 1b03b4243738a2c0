/**
 * The requests one side of a sandbox boundary sent and awaits answers to, by id: `open` numbers a request and
 * returns the id and the promise of its answer; `settle` resolves or rejects it when the answer comes.
 *
 * @example
 * ```ts
 * const pending = new PendingRequests()
 * const { id, answer } = pending.open()
 * channel.send({ t: 'call', id, steps })
 * pending.settle(id, true, 42) // answer resolves to 42
 * ```
 */
export class PendingRequests {
  #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  #nextId = 0

  open(): { id: number; answer: Promise<unknown> } {
    const id = this.#nextId++
    const answer = new Promise((resolve, reject) => this.#waiting.set(id, { resolve, reject }))
    return { id, answer }
  }

  /** Resolves (`ok`) or rejects request `id` with `value`; false when it was not waiting (answered, abandoned). */
  settle(id: number, ok: boolean, value: unknown): boolean {
    const waiter = this.#waiting.get(id)
    if (waiter === undefined) return false
    this.#waiting.delete(id)
    if (ok) waiter.resolve(value)
    else waiter.reject(value as Error)
    return true
  }

  /** Rejects every request still waiting (the other side is gone). */
  rejectAll(error: Error): void {
    for (const waiter of this.#waiting.values()) waiter.reject(error)
    this.#waiting.clear()
  }
}
