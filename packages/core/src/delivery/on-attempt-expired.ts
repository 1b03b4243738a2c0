import { AttemptContext } from './attempt-context.js'
import type { HandlerContext } from './delivery.js'

/**
 * Calls `listener` with the reason when the attempt `ctx` ends before its handler settled (its deadline passed, or
 * the bus shut down): what an `abort` listener on `ctx.signal` hears, without the AbortController and EventTarget
 * listener that reading `ctx.signal` makes per attempt. For a handler that hands every attempt on (a host forwarding
 * it to a plugin sandbox) and must tell the other side when one was abandoned. A context the bus did not make
 * falls back to its `signal`.
 *
 * @example
 * ```ts
 * bus.subscribe('order.*', async (event, ctx) => {
 *   const id = remote.send(event)
 *   onAttemptExpired(ctx, (reason) => remote.cancel(id, reason))
 *   await remote.answer(id)
 * })
 * ```
 */
export function onAttemptExpired(ctx: HandlerContext, listener: (reason: Error) => void): void {
  if (ctx instanceof AttemptContext) ctx.onExpire(listener)
  else {
    const { signal } = ctx
    signal.addEventListener('abort', () => listener(signal.reason as Error), { once: true })
  }
}
