import { AsyncLocalStorage } from 'node:async_hooks'
import type { Event } from '@switchyard/core'
import type { FaultDelivery, FaultKind } from '../errors.js'

/** Where the faults of a plugin are charged: the fault ledger of the host that runs it. */
export interface FaultSink {
  charge(scope: PluginScope, fault: unknown, kind: FaultKind): void
}

/** The delivery attempt a scope belongs to, and how to fail it from outside the handler's promise. */
export interface DeliveryScope extends FaultDelivery {
  /** The event being delivered: what events the handler publishes are caused by. */
  readonly event: Event
  /** Fails the attempt with `error` unless it already settled; true when it did fail it. */
  fail(error: Error): boolean
}

/** What the code running now was started by: a plugin, and the delivery attempt when a handler started it. */
export interface PluginScope {
  readonly plugin: string
  readonly faults: FaultSink
  readonly delivery?: DeliveryScope | undefined
}

/**
 * The one AsyncLocalStorage naming the plugin (and delivery) whose code runs now. The runtime enters it wherever
 * it calls plugin code (setup, handlers, routes, health checks, extension contributions, stop callbacks), so the
 * timers and promises that code creates carry it too. Node emits `uncaughtException` in the context of the
 * callback that threw and `unhandledRejection` in the context the promise was created in, which is how the fault
 * guard finds a fault's owner with `pluginScope.getStore()`.
 *
 * @example
 * ```ts
 * pluginScope.run({ plugin: 'audit', faults }, () => setTimeout(() => { throw new Error('x') }))
 * // the guard charges the throw to "audit"
 * ```
 */
export const pluginScope = new AsyncLocalStorage<PluginScope>()
