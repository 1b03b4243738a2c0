/**
 * A duration in milliseconds rounded to 0.1 ms: the precision the API and the logs show (`62.8`, not
 * `62.80308299999979`). Timers of this resolution say nothing finer anyway.
 *
 * @example
 * ```ts
 * roundDuration(62.80308299999979) // 62.8
 * ```
 */
export function roundDuration(ms: number): number {
  return Math.round(ms * 10) / 10
}
