import type { Event, Handler, HandlerContext } from '@switchyard/core'
import { type DeliveryScope, type FaultSink, type PluginScope, pluginScope } from './plugin-scope.js'

/**
 * Wraps a plugin's handler so that every attempt runs in a scope naming the plugin and the delivery (event,
 * handler, attempt). A fault charged to that scope while the attempt runs fails it: an async attempt's promise
 * rejects with the fault at once (the handler's own promise may never settle). A synchronous handler stays
 * synchronous (no promise is added); a fault after an attempt settled is charged to the plugin alone.
 *
 * @example
 * ```ts
 * bus.subscribe('order.*', scopedHandler(scope, () => name, handler), { name })
 * ```
 */
export function scopedHandler(base: PluginScope, name: () => string, handler: Handler): Handler {
  return (event, ctx) => {
    const attempt = new AttemptScope(base, name(), event, ctx)
    const returned = pluginScope.run(attempt, handler, event, ctx)
    if (!isThenable(returned)) {
      attempt.settled = true
      return returned
    }
    return new Promise((resolve, reject) => {
      attempt.reject = reject
      returned.then(
        (value) => {
          attempt.settled = true
          resolve(value)
        },
        (error: unknown) => {
          attempt.settled = true
          reject(error)
        },
      )
    })
  }
}

/** The scope of one attempt: read by the fault guard, failed through `fail`. */
class AttemptScope implements PluginScope, DeliveryScope {
  readonly plugin: string
  readonly faults: FaultSink
  readonly handler: string
  readonly eventId: string
  readonly attempt: number
  settled = false
  reject: ((error: Error) => void) | undefined = undefined

  constructor(base: PluginScope, handler: string, event: Event, ctx: HandlerContext) {
    this.plugin = base.plugin
    this.faults = base.faults
    this.handler = handler
    this.eventId = event.id
    this.attempt = ctx.attempt
  }

  get delivery(): DeliveryScope {
    return this
  }

  fail(error: Error): boolean {
    if (this.settled) return false
    this.settled = true
    // A synchronous handler's attempt settled when it returned; only an async one has a promise to reject.
    this.reject?.(error)
    return this.reject !== undefined
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
