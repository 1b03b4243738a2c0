import type { CallStep } from './sandbox-protocol.js'

/** Sends a chain of steps to the host, which runs it against the plugin's real ctx; resolves with the result. */
export type Forward = (steps: CallStep[]) => Promise<unknown>

const PROMISE_METHODS = new Set<PropertyKey>(['then', 'catch', 'finally'])

/**
 * The generic part of a sandboxed ctx: reading `ctx.db`, `ctx.store.get` or `ctx.use('pricing').quote` records
 * steps, and a call sends them to the host once the caller has finished chaining — when it awaits the result,
 * or at the end of the current microtask when it neither awaits nor reads a property of it (a call made for its
 * effect, like `ctx.services.register(...)` left unawaited). So every async ctx method with serialisable
 * arguments crosses the boundary, including methods added to the host after this sandbox was written. A
 * failure of a call nobody awaited goes to `dropped` instead of becoming an unhandled rejection.
 *
 * @example
 * ```ts
 * const db = forwardProxy(['db'], forward, log)
 * await db.query('SELECT 1', []) // forward(['db', 'query', { args: ['SELECT 1', []] }])
 * ```
 */
export function forwardProxy(
  steps: CallStep[],
  forward: Forward,
  dropped: (error: unknown) => void,
): unknown {
  return new Proxy(function forwarded() {}, {
    get: (_target, property) =>
      typeof property === 'symbol' || PROMISE_METHODS.has(property)
        ? undefined
        : forwardProxy([...steps, property], forward, dropped),
    apply: (_target, _this, args: unknown[]) => pendingCall([...steps, { args }], forward, dropped),
  })
}

function pendingCall(steps: CallStep[], forward: Forward, dropped: (error: unknown) => void): unknown {
  let sent: Promise<unknown> | undefined
  let chained = false
  const send = () => {
    sent ??= forward(steps)
    return sent
  }
  queueMicrotask(() => {
    if (!chained && sent === undefined) send().catch(dropped)
  })
  return new Proxy(function pending() {}, {
    get(_target, property) {
      if (typeof property === 'symbol') return undefined
      if (PROMISE_METHODS.has(property)) {
        const promise = send()
        return (promise[property as 'then'] as (...args: unknown[]) => unknown).bind(promise)
      }
      chained = true
      return forwardProxy([...steps, property], forward, dropped)
    },
  })
}
