import { AsyncLocalStorage } from 'node:async_hooks'
import type { Event, EventInit } from '@switchyard/core'
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
 * `causationId` and `correlationId` the host sets in-process (see `followUpInit`); as given outside a handler.
 *
 * @example
 * ```ts
 * forward(['publish', { args: followUpArgs(['invoice.requested', { n: 1 }]) }])
 * ```
 */
export function followUpArgs(args: readonly unknown[]): unknown[] {
  const cause = sandboxDelivery.getStore()
  if (cause === undefined) return [...args]
  if (typeof args[0] !== 'string') return [followUpEvent(args[0] as Event, cause)]
  return [args[0], args[1], followUpInit(args[2] as EventInit | undefined, cause)]
}
