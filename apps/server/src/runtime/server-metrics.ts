import type { EventBus } from '@switchyard/core'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/** One plugin and its lifecycle state, read at every scrape. */
/** Final statuses of deliveries whose handler never ran. */
const NOT_RUN: ReadonlySet<string> = new Set(['skipped_duplicate', 'unrouted', 'rate_limited', 'debounced'])

export interface PluginStateSample {
  name: string
  state: string
}

/** What `ServerMetrics` reads at each scrape or dead letter. */
export interface ServerMetricsOptions {
  pluginStates: () => readonly PluginStateSample[]
  /** The plugin a handler belongs to (for crash counts per plugin); the handler's name when unknown. */
  pluginOf?: (handler: string) => string | undefined
}

/**
 * The server's Prometheus metrics: events published, deliveries by handler and status, handler duration,
 * dead letters, plugin states, deliveries dead-lettered because they crashed the process
 * (`switchyard_plugin_crashes_total{plugin}`), and prom-client's default process metrics (memory, CPU,
 * event-loop lag, handles). Fed by the bus's `observe` API, so the bus does no metrics work of its own.
 *
 * @example
 * ```ts
 * const metrics = new ServerMetrics({ pluginStates: () => host.status().map((p) => ({ name: p.name, state: p.state })) })
 * const stop = metrics.observe(bus)
 * const text = await metrics.registry.metrics()
 * ```
 */
export class ServerMetrics {
  readonly registry = new Registry()
  readonly #published: Counter
  readonly #deliveries: Counter<'handler' | 'status'>
  readonly #duration: Histogram<'handler'>
  readonly #deadLetters: Counter<'handler'>
  readonly #crashes: Counter<'plugin'>
  readonly #pluginOf: (handler: string) => string | undefined

  constructor(options: ServerMetricsOptions) {
    const registers = [this.registry]
    this.#pluginOf = options.pluginOf ?? (() => undefined)
    collectDefaultMetrics({ register: this.registry })
    this.#crashes = new Counter({
      name: 'switchyard_plugin_crashes_total',
      help: 'Deliveries dead-lettered at start because their handler was running each time the process died (E_CRASHED_PROCESS), by plugin',
      labelNames: ['plugin'],
      registers,
    })
    this.#published = new Counter({
      name: 'switchyard_events_published_total',
      help: 'Events accepted for dispatch',
      registers,
    })
    this.#deliveries = new Counter({
      name: 'switchyard_deliveries_total',
      help: 'Deliveries that reached a final state, by handler and status',
      labelNames: ['handler', 'status'],
      registers,
    })
    this.#duration = new Histogram({
      name: 'switchyard_handler_duration_seconds',
      help: 'Time from the first attempt to the final state of a delivery, by handler',
      labelNames: ['handler'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    })
    this.#deadLetters = new Counter({
      name: 'switchyard_dead_letters_total',
      help: 'Deliveries moved to the dead-letter queue, by handler',
      labelNames: ['handler'],
      registers,
    })
    new Gauge({
      name: 'switchyard_plugin_state',
      help: 'Lifecycle state of each plugin: 1 for its current state',
      labelNames: ['plugin', 'state'],
      registers,
      collect() {
        this.reset()
        for (const { name, state } of options.pluginStates()) this.set({ plugin: name, state }, 1)
      },
    })
  }

  /** Starts counting what `bus` reports; the returned function stops it. */
  observe(bus: Pick<EventBus, 'observe'>): () => void {
    // Label lookups hash their label object on every call: the children are kept per handler and status instead.
    const deliveries = new Map<string, { inc(): void }>()
    const durations = new Map<string, { observe(value: number): void }>()
    return bus.observe({
      published: () => this.#published.inc(),
      outcome: (_event, { handler, status, durationMs }) => {
        const key = `${handler}\0${status}`
        let counter = deliveries.get(key)
        if (!counter) {
          counter = this.#deliveries.labels(handler, status)
          deliveries.set(key, counter)
        }
        counter.inc()
        // Deliveries that ended without running their handler have no duration to count.
        if (NOT_RUN.has(status)) return
        let histogram = durations.get(handler)
        if (!histogram) {
          histogram = this.#duration.labels(handler)
          durations.set(handler, histogram)
        }
        histogram.observe(durationMs / 1000)
      },
      deadLettered: ({ handler, error }) => {
        this.#deadLetters.inc({ handler })
        if (error.includes('E_CRASHED_PROCESS'))
          this.#crashes.inc({ plugin: this.#pluginOf(handler) ?? handler })
      },
    })
  }
}
