/**
 * Resolves or rejects like `work`, or rejects with `onTimeout()` once `ms` passed. The timer never keeps the
 * process alive and is cleared as soon as `work` settles.
 *
 * @example
 * ```ts
 * await withDeadline(plugin.setup(ctx), 10_000, () => new PluginTimeoutError('audit-log', 'start', 10_000))
 * ```
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
    timer.unref()
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}
