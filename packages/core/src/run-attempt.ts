import { AttemptContext } from './attempt-context.js'
import type { DeadlineList } from './deadline-list.js'
import { HandlerExecutionError } from './errors.js'
import type { Event } from './event.js'
import type { HandlerEntry } from './handler-entry.js'

/** An attempt's result: undefined for success, else the `HandlerExecutionError` or `HandlerTimeoutError`. */
export type AttemptResult = Error | undefined

/**
 * Runs one attempt of a handler with its timeout. A handler that returns synchronously is done without a
 * promise or a clock; an async one is raced against its deadline in the shared `DeadlineList`.
 *
 * @example
 * ```ts
 * const result = runAttempt(entry, event, 1, deadlines)
 * const error = result instanceof Promise ? await result : result
 * ```
 */
export function runAttempt(
  entry: HandlerEntry,
  event: Event,
  attempt: number,
  deadlines: DeadlineList,
): AttemptResult | Promise<AttemptResult> {
  const ctx = new AttemptContext(attempt, entry.name, event.id, entry.policy.timeoutMs)
  let returned: unknown
  try {
    returned = entry.handler(event, ctx)
  } catch (error) {
    return new HandlerExecutionError(ctx, error)
  }
  if (!isThenable(returned)) return undefined
  return new Promise<AttemptResult>((resolve) => {
    ctx.onExpire = resolve
    deadlines.track(ctx)
    returned.then(
      () => {
        if (deadlines.untrack(ctx)) resolve(undefined)
      },
      (error: unknown) => {
        if (deadlines.untrack(ctx)) resolve(new HandlerExecutionError(ctx, error))
      },
    )
  })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
