/**
 * Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). For contract tests of
 * backends where delivery happens on another connection.
 *
 * @example
 * ```ts
 * await waitFor(() => received.length === 2, 'two messages', 2000)
 * ```
 */
export async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A name unique to this run, so backends that keep state between tests (JetStream) never see stale data. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
}
