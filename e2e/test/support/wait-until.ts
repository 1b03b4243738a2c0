import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Polls `check` until it returns true; rejects after `timeoutMs` with `what` and, when given, the last
 * `describe()` (what was still missing), so a timeout says why.
 *
 * @example
 * ```ts
 * await waitUntil(async () => (await readHandled(dir, 'e2e_every')).length >= 10, { what: '10 events handled' })
 * ```
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  options: { what: string; timeoutMs?: number; intervalMs?: number; describe?: () => string },
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) {
      const detail = options.describe ? `: ${options.describe()}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${detail}`)
    }
    await sleep(options.intervalMs ?? 100)
  }
}
