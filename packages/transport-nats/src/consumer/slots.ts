/**
 * A counting semaphore: at most `size` holders at once, waiters served first come, first served.
 */
export class Slots {
  #free: number
  #waiters: Array<() => void> = []

  constructor(size: number) {
    this.#free = size
  }

  /** Resolves at once when a slot is free (no promise is created then: this is on the hot path). */
  acquire(): Promise<void> | undefined {
    if (this.#free > 0) {
      this.#free--
      return undefined
    }
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  release(): void {
    const next = this.#waiters.shift()
    if (next) next()
    else this.#free++
  }
}
