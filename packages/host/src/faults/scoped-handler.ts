import type { Event, Handler, HandlerContext } from '@switchyard/core'
import { type DeliveryScope, type FaultSink, type PluginScope, pluginScope } from './plugin-scope.js'

/**
 * Wraps a plugin's handler so that every attempt runs in a scope naming the plugin and the delivery (event,
 * handler, attempt). A fault charged to that scope while the attempt runs fails it at once through the bus's
 * `ctx.fail` (the handler's own promise may never settle); a fault after the attempt settled, or during its
 * synchronous part (whose own throw fails it), is charged to the plugin alone.
 *
 * @example
 * ```ts
 * bus.subscribe('order.*', scopedHandler(scope, () => name, handler), { name })
 * ```
 */
export function scopedHandler(base: PluginScope, name: () => string, handler: Handler): Handler {
  return (event, ctx) => pluginScope.run(new AttemptScope(base, name(), event, ctx), handler, event, ctx)
}

/** The scope of one attempt, read by the fault guard, which fails the attempt through `fail`. */
class AttemptScope implements PluginScope, DeliveryScope {
  readonly plugin: string
  readonly faults: FaultSink
  readonly handler: string
  readonly event: Event
  readonly attempt: number
  readonly #ctx: HandlerContext

  constructor(base: PluginScope, handler: string, event: Event, ctx: HandlerContext) {
    this.plugin = base.plugin
    this.faults = base.faults
    this.handler = handler
    this.event = event
    this.attempt = ctx.attempt
    this.#ctx = ctx
  }

  get eventId(): string {
    return this.event.id
  }

  get delivery(): DeliveryScope {
    return this
  }

  fail(error: Error): boolean {
    return this.#ctx.fail(error)
  }
}
