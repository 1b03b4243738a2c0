/**
 * A bound on how many calls of `work` run at once: each call waits for a free place, runs, then frees it for the
 * next waiting call, first come first served.
 *
 * @example
 * ```ts
 * const limit = limitConcurrency(4)
 * await Promise.all(plugins.map((plugin) => limit(() => start(plugin))))
 * ```
 */
export function limitConcurrency(max: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async (work) => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve))
    else running += 1
    try {
      return await work()
    } finally {
      // A place handed to a waiting call stays taken; otherwise it is freed.
      if (waiting.length > 0) waiting.shift()?.()
      else running -= 1
    }
  }
}
