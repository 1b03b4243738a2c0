import {
  type CollectResult,
  createEvent,
  type DeliverAtOptions,
  defineExtensionPoint,
  type Event,
  type EventInit,
  type ExtensionFn,
  type Handler,
  type Subscription,
} from '@switchyard/core'
import {
  type HandlerOptions,
  type OwnExtensionPoint,
  type Permission,
  PermissionError,
  type PluginContext,
  type PluginDatabase,
  type PluginDescriptor,
  type PluginMetrics,
  type PluginSecrets,
  PluginStoppedError,
  type PluginStore,
  UndeclaredEventError,
} from '@switchyard/plugin-sdk'
import { Hono } from 'hono'
import { createPluginDatabase } from '../database/create-plugin-database.js'
import { type PluginScope, pluginScope } from '../faults/plugin-scope.js'
import { scopedContribution } from '../faults/scoped-contribution.js'
import { scopedHandler } from '../faults/scoped-handler.js'
import type { PluginHealthChecks } from '../health/plugin-health-checks.js'
import { createPluginUse } from '../providers/create-plugin-use.js'
import { createPluginMetrics } from './create-plugin-metrics.js'
import { createPluginSecrets } from './create-plugin-secrets.js'
import { createPluginServices } from './create-plugin-services.js'
import { createPluginStore } from './create-plugin-store.js'
import { followUpEvent, followUpInit } from './follow-up.js'
import type { RuntimeServices } from './runtime-services.js'

/** What one running plugin has registered through its context; the runtime undoes it at stop. */
export interface PluginRegistrations {
  subscriptions: Map<string, Subscription>
  removers: (() => void)[]
  healthChecks: PluginHealthChecks
  stopCallbacks: (() => void | Promise<void>)[]
  routes: Hono | undefined
}

/**
 * Builds the `ctx` given to `setup`: each method checks that the plugin is still active and holds the
 * permission it needs, then records what it registered in `registrations`. Handlers and extension
 * contributions it registers run in the plugin's `scope` (handlers with their delivery), so their faults are
 * charged to it.
 *
 * @example
 * ```ts
 * const ctx = createPluginContext(plugin, config, services, registrations, () => active, scope)
 * await plugin.setup(ctx)
 * ```
 */
export function createPluginContext(
  descriptor: PluginDescriptor,
  config: unknown,
  services: RuntimeServices,
  registrations: PluginRegistrations,
  isActive: () => boolean,
  scope: PluginScope,
): PluginContext {
  const { name } = descriptor
  const { bus, catalog } = services
  const permissions = new Set<Permission>(descriptor.permissions ?? [])
  const guard = (method: string, permission?: Permission) => {
    if (!isActive()) throw new PluginStoppedError(name, method)
    if (permission !== undefined && !permissions.has(permission))
      throw new PermissionError(name, method, permission)
  }
  let metrics: PluginMetrics | undefined
  let store: PluginStore | undefined
  let db: PluginDatabase | undefined
  const pluginServices = createPluginServices(services.services, name, guard, (undo) =>
    registrations.removers.push(undo),
  )
  let secrets: PluginSecrets | undefined
  const logger = services.logger.child({ plugin: name })
  const use = createPluginUse(descriptor, services.providers)

  const publish = (typeOrEvent: string | Event, data?: unknown, options?: EventInit & DeliverAtOptions) => {
    guard('publish', 'events:publish')
    // Published while handling an event (the delivery's async context): caused by it, in its conversation.
    const cause = pluginScope.getStore()?.delivery?.event
    const { delayMs, deliverAt, ...init } = options ?? {}
    const event =
      typeof typeOrEvent === 'string'
        ? createEvent(typeOrEvent, data, {
            source: name,
            ...(cause === undefined ? init : followUpInit(init, cause)),
          })
        : cause === undefined
          ? typeOrEvent
          : followUpEvent(typeOrEvent, cause)
    if (!catalog.mayPublish(name, event.type)) throw new UndeclaredEventError(name, event.type)
    // The payload is checked against the catalog by the bus itself (attachCatalog), whoever publishes.
    if (delayMs !== undefined || deliverAt !== undefined)
      return bus.enqueue(event, { delayMs, deliverAt } as DeliverAtOptions)
    return bus.publish(event)
  }

  const context: PluginContext = {
    plugin: Object.freeze({ name, version: descriptor.version }),
    config: config as PluginContext['config'],
    on(pattern, handler, options) {
      guard('on', 'events:subscribe')
      let handlerName = ''
      const scoped = scopedHandler(scope, () => handlerName, handler as Handler)
      const subscription = bus.subscribe(pattern, scoped, { ...(options as HandlerOptions), owner: name })
      handlerName = subscription.name
      registrations.subscriptions.set(subscription.name, subscription)
      return {
        name: subscription.name,
        unsubscribe: async () => {
          registrations.subscriptions.delete(subscription.name)
          await subscription.unsubscribe()
        },
      }
    },
    publish: publish as PluginContext['publish'],
    get routes() {
      guard('routes', 'http:routes')
      registrations.routes ??= new Hono()
      return registrations.routes
    },
    health(check, options) {
      guard('health')
      registrations.healthChecks.add(check, options)
    },
    get metrics() {
      guard('metrics')
      metrics ??= createPluginMetrics(services.registry, name)
      return metrics
    },
    extend(point, fn, options = {}) {
      // Whoever contributes to authentication decides who may call the management API.
      const pointName = typeof point === 'string' ? point : point.name
      guard('extend', pointName === 'auth.authenticate' ? 'auth:authenticate' : undefined)
      const scoped = scopedContribution(scope, fn as ExtensionFn)
      const remove = bus.extensions.contribute(point, scoped, { ...options, owner: name })
      registrations.removers.push(remove)
      return remove
    },
    defineExtensionPoint(definition: Parameters<typeof defineExtensionPoint>[0]) {
      guard('defineExtensionPoint')
      const point = bus.extensions.define(defineExtensionPoint(definition))
      const run = (value: unknown): Promise<unknown> => {
        if (point.kind === 'filter') return bus.extensions.runFilter(point, value)
        if (point.kind === 'action') return bus.extensions.runAction(point, value)
        return bus.extensions.runCollect(point, value) as Promise<CollectResult<unknown>[]>
      }
      return Object.freeze({ ...point, run }) as OwnExtensionPoint<unknown, never>
    },
    logger,
    get services() {
      guard('services')
      return pluginServices
    },
    get store() {
      guard('store', 'store:kv')
      store ??= createPluginStore(services.store, name)
      return store
    },
    get db() {
      guard('db')
      db ??= createPluginDatabase(name, services.databases, {
        guard,
        transactionTimeoutMs: services.transactionTimeoutMs,
      })
      return db
    },
    use: ((provider: string) => {
      guard('use')
      return use(provider)
    }) as PluginContext['use'],
    get secrets() {
      guard('secrets', 'secrets:use')
      secrets ??= createPluginSecrets(services.secrets, name)
      return secrets
    },
    onStop(callback) {
      guard('onStop')
      registrations.stopCallbacks.push(callback)
    },
  }
  return context
}
