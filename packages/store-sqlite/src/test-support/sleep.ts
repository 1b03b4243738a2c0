/**
 * Lets wall-clock time pass, for ages and TTLs (never to wait for work to finish).
 *
 * @example
 * ```ts
 * await sleep(350) // a 300 ms TTL has now expired
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
