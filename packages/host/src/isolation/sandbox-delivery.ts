import { AsyncLocalStorage } from 'node:async_hooks'
import { createEvent, type Event, type EventInit } from '@switchyard/core'
import { followUpEvent, followUpInit } from '../context/follow-up.js'

/**
 * The event a sandboxed handler is handling, for the code it runs (its awaits and timers included): the sandbox's
 * counterpart of the host's delivery scope, which a publish forwarded from here is no longer in when it arrives.
 *
 * @example
 * ```ts
 * await sandboxDelivery.run(event, () => handler(event, ctx))
 * ```
 */
export const sandboxDelivery = new AsyncLocalStorage<Event>()

/**
 * The arguments of `ctx.publish(type, data, init?)` or `ctx.publish(event)` made while handling an event, with the
 * `causationId` and `correlationId` the host sets in-process (see `followUpInit`) and the handling attempt's trace
 * context (`traceparent`, which the host's process span is a child of in-process); as given outside a handler.
 *
 * @example
 * ```ts
 * forward(['publish', { args: followUpArgs(['invoice.requested', { n: 1 }]) }])
 * ```
 */
export function followUpArgs(args: readonly unknown[]): unknown[] {
  const cause = sandboxDelivery.getStore()
  if (cause === undefined) return [...args]
  if (typeof args[0] !== 'string') return [followUpEvent(tracedAfter(args[0] as Event, cause), cause)]
  const init = args[2] as EventInit | undefined
  const trace = traceOf(cause)
  return [
    args[0],
    args[1],
    followUpInit(trace ? { ...init, metadata: { ...trace, ...init?.metadata } } : init, cause),
  ]
}

/**
 * The trace context of the attempt handling `cause` (the host sends it in the event's metadata when the bus
 * traces): what an event published here carries, so the host's publish span becomes a child of that attempt.
 */
function traceOf(cause: Event): { traceparent: string; tracestate?: string } | undefined {
  const { traceparent, tracestate } = cause.metadata
  if (typeof traceparent !== 'string') return undefined
  return typeof tracestate === 'string' ? { traceparent, tracestate } : { traceparent }
}

/** `event` with the trace context of `cause`'s attempt, unless it names a trace of its own. */
function tracedAfter(event: Event, cause: Event): Event {
  const trace = traceOf(cause)
  if (trace === undefined || event.metadata.traceparent !== undefined) return event
  const { id, source, time, metadata } = event
  return createEvent(event.type, event.data, { id, source, time, metadata: { ...trace, ...metadata } })
}
