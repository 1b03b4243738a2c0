/**
 * A sleep that something else may cut short: a scheduler loop sleeps until its next due time, and new work due
 * sooner (or stopping) wakes it. The timer does not keep the process alive on its own.
 *
 * @example
 * ```ts
 * const wakeup = new Wakeup()
 * await wakeup.sleepUntil(nextDueMs) // elsewhere: wakeup.wake()
 * ```
 */
export class Wakeup {
  #wake: (() => void) | undefined
  /** When the current sleep ends (epoch ms); Infinity while awake. */
  #until = Number.POSITIVE_INFINITY

  /** When the current sleep ends (epoch ms); Infinity while awake. */
  get until(): number {
    return this.#until
  }

  /** Resolves at `ms` (epoch ms) or at the next `wake`, whichever comes first. */
  sleepUntil(ms: number): Promise<void> {
    this.#until = ms
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#wake = undefined
        this.#until = Number.POSITIVE_INFINITY
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, ms - Date.now()))
      // A server keeps the process alive; a loop alone does not.
      timer.unref?.()
      this.#wake = done
    })
  }

  /** Ends the current sleep now (nothing when awake). */
  wake(): void {
    this.#wake?.()
  }
}
