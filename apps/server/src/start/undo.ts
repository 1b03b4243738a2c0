import type { Logger } from '@switchyard/core'

/** How long one undo step may take: a failed start must end, whatever a backend does. */
const STEP_TIMEOUT_MS = 5000

/**
 * What a start has opened so far, to release in reverse order when a later step fails: each release bounded
 * by 5 s, a failing one logged and skipped, so a failed start always ends.
 *
 * @example
 * ```ts
 * const undo = new Undo(logger)
 * undo.push(() => store.close())
 * try { await nextStep() } catch (error) { await undo.all(); throw error }
 * ```
 */
export class Undo {
  readonly #logger: Logger
  readonly #steps: (() => unknown)[] = []

  constructor(logger: Logger) {
    this.#logger = logger
  }

  push(step: () => unknown): void {
    this.#steps.push(step)
  }

  /** Runs every step, last pushed first, and forgets them. */
  async all(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise((resolve) => {
        timer = setTimeout(resolve, STEP_TIMEOUT_MS)
        timer.unref()
      })
      try {
        await Promise.race([Promise.resolve().then(step), late])
      } catch (error) {
        this.#logger.warn({ err: error }, 'could not release what a failed start opened')
      } finally {
        clearTimeout(timer)
      }
    }
  }
}
