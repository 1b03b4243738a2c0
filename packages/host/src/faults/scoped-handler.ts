import type { Event, Handler, HandlerContext } from '@switchyard/core'
import { type DeliveryScope, type FaultSink, type PluginScope, pluginScope } from './plugin-scope.js'

type Settle = (value: unknown) => void

/**
 * Wraps a plugin's handler so that every attempt runs in a scope naming the plugin and the delivery (event,
 * handler, attempt). A fault charged to that scope while the attempt runs fails it: an async attempt ends with
 * the fault at once (the handler's own promise may never settle). A synchronous handler stays synchronous; a
 * fault after an attempt settled is charged to the plugin alone.
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
    attempt.returned = returned
    return attempt
  }
}

/**
 * The scope of one attempt, read by the fault guard and failed through `fail`. For an async handler it is also
 * what the handler returns to the bus: a thenable that settles with the handler's promise or with the fault,
 * whichever comes first. Being its own thenable costs no promise besides the one `then` on the handler's; its
 * `then` returns nothing, which the bus (the one caller, it ignores the result) and `await` allow.
 */
class AttemptScope implements PluginScope, DeliveryScope {
  readonly plugin: string
  readonly faults: FaultSink
  readonly handler: string
  readonly eventId: string
  readonly attempt: number
  settled = false
  returned: PromiseLike<unknown> | undefined = undefined
  #resolve: Settle | undefined = undefined
  #reject: Settle | undefined = undefined
  #fault: Error | undefined = undefined

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
    // Before the handler returned (a refused process.exit in its synchronous part) its own throw fails it.
    if (this.returned === undefined) return false
    if (this.#reject === undefined) this.#fault = error
    else this.#reject(error)
    return true
  }

  // biome-ignore lint/suspicious/noThenProperty: the attempt is the thenable the bus awaits
  then(onfulfilled: Settle, onrejected: Settle): void {
    this.#resolve = onfulfilled
    this.#reject = onrejected
    if (this.#fault !== undefined) onrejected(this.#fault)
    // Closures made here, not as fields: a synchronous attempt never pays for them.
    else
      this.returned?.then(
        (value) => this.#settle(this.#resolve, value),
        (error: unknown) => this.#settle(this.#reject, error),
      )
  }

  #settle(settle: Settle | undefined, outcome: unknown): void {
    if (this.settled) return
    this.settled = true
    settle?.(outcome)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
