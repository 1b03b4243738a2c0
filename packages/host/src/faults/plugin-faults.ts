import type { Logger } from '@switchyard/core'
import { Counter, type Registry } from 'prom-client'
import { type FaultKind, PluginExitError, PluginFaultError, PluginFaultLimitError } from '../errors.js'
import { type FaultSink, type PluginScope, pluginScope } from './plugin-scope.js'

/** How many faults a plugin may make within a window before it is stopped as `failed`. */
export interface FaultLimit {
  /** Faults within `windowMs` that fail the plugin; 5 by default. */
  maxFaults: number
  /** 60 s by default. */
  windowMs: number
}

/** The default limit: 5 faults within 60 s. */
export const DEFAULT_FAULT_LIMIT: FaultLimit = { maxFaults: 5, windowMs: 60_000 }

/** What the ledger needs from its host. */
export interface PluginFaultsOptions {
  registry: Registry
  logger: Logger
  /** The limit of each plugin, read at each fault (so a config reload applies to the next one). */
  limit: (plugin: string) => FaultLimit
  /** Counts the fault on the plugin's record (status `faults`, `lastFault`). */
  counted(plugin: string, fault: Error): void
  /** The plugin passed its limit: stop it as failed with `error`. */
  exceeded(plugin: string, error: PluginFaultLimitError): void
  /** Clock in ms; `Date.now` by default. */
  now?: () => number
}

/**
 * The fault ledger of one host: charges a fault to its plugin — fails the delivery attempt it happened in,
 * counts it (record and `switchyard_plugin_faults_total{plugin}`), logs it — and reports a plugin that made
 * `limit.maxFaults` faults within `limit.windowMs`. The same error object is charged once (a refused
 * `process.exit` is charged when refused, not again when its throw goes uncaught).
 *
 * @example
 * ```ts
 * const faults = new PluginFaults({ registry, logger, limit: () => DEFAULT_FAULT_LIMIT, counted, exceeded })
 * pluginScope.run({ plugin: 'audit', faults }, () => setTimeout(() => { throw new Error('x') }))
 * ```
 */
export class PluginFaults implements FaultSink {
  #options: PluginFaultsOptions
  #counter: Counter<'plugin'>
  #recent = new Map<string, number[]>()
  #charged = new WeakSet<object>()

  constructor(options: PluginFaultsOptions) {
    this.#options = options
    this.#counter = new Counter({
      name: 'switchyard_plugin_faults_total',
      help: 'Faults charged to each plugin: unhandled rejections, uncaught exceptions and refused process.exit calls',
      labelNames: ['plugin'],
      registers: [options.registry],
    })
  }

  charge(scope: PluginScope, fault: unknown, kind: FaultKind): void {
    if (typeof fault === 'object' && fault !== null) {
      if (this.#charged.has(fault)) return
      this.#charged.add(fault)
    }
    const { plugin, delivery } = scope
    const error =
      fault instanceof PluginExitError || fault instanceof PluginFaultError
        ? fault
        : new PluginFaultError(plugin, kind, fault, delivery)
    const failedDelivery = delivery?.fail(error) ?? false
    this.#counter.inc({ plugin })
    this.#options.counted(plugin, error)
    this.#options.logger.error(
      {
        plugin,
        err: fault,
        kind,
        ...(delivery === undefined
          ? {}
          : {
              eventId: delivery.eventId,
              handler: delivery.handler,
              attempt: delivery.attempt,
              failedDelivery,
            }),
      },
      'plugin fault',
    )
    this.#window(plugin, error)
  }

  #window(plugin: string, error: Error): void {
    const { now = Date.now } = this.#options
    const limit = this.#options.limit(plugin)
    const at = now()
    const times = (this.#recent.get(plugin) ?? []).filter((time) => at - time < limit.windowMs)
    times.push(at)
    this.#recent.set(plugin, times)
    if (times.length < limit.maxFaults) return
    this.#recent.delete(plugin)
    const exceeded = new PluginFaultLimitError(plugin, times.length, limit.windowMs, error)
    // Stopping the plugin is the host's work: its promises and timers must not be charged to the plugin.
    pluginScope.exit(() => this.#options.exceeded(plugin, exceeded))
  }
}
