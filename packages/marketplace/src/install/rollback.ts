/**
 * Undo steps of a multi-step change, run newest first when a later step fails. A failing undo step does
 * not stop the others; `run` reports whether all of them succeeded.
 *
 * @example
 * ```ts
 * const rollback = new Rollback()
 * await rename(staged, target); rollback.push(() => rename(target, staged))
 * try { await writeLock() } catch (error) { await rollback.run(); throw error }
 * ```
 */
export class Rollback {
  #steps: (() => unknown)[] = []

  push(step: () => unknown): void {
    this.#steps.push(step)
  }

  async run(): Promise<boolean> {
    let complete = true
    for (const step of this.#steps.reverse()) {
      try {
        await step()
      } catch {
        complete = false
      }
    }
    this.#steps = []
    return complete
  }
}
