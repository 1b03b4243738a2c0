import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import { Gauge, type Registry } from 'prom-client'

/** The event loop's recent delay and whether it counts as stalled. */
export interface EventLoopSample {
  /** Worst delay in the last window (about `intervalMs`), in ms. */
  maxDelayMs: number
  /** 99th percentile of the delays in the last window, in ms. */
  p99DelayMs: number
  /** The stall in progress or just ended (ms) when it is longer than the bound, else undefined. */
  stallMs?: number
}

/** What `EventLoopMonitor` takes. */
export interface EventLoopMonitorOptions {
  /** A delay longer than this is a stall (`server.max_event_loop_delay_ms`). */
  maxDelayMs: number
  /** Where `switchyard_event_loop_delay_max_seconds` and `switchyard_event_loop_stalled` go. */
  registry: Registry
  /** Length of a measuring window; 500 ms by default. */
  intervalMs?: number
}

/**
 * Measures event-loop delay with `perf_hooks.monitorEventLoopDelay`, window by window: a stall longer than
 * `maxDelayMs` counts from the first window that sees it until a window passes without one. One thread cannot
 * answer while it is blocked, so what a stall marks is the answers queued behind it and those of the next
 * window. Gauges: `switchyard_event_loop_delay_max_seconds` (worst delay of the last window) and
 * `switchyard_event_loop_stalled` (1 while stalled).
 *
 * @example
 * ```ts
 * const loop = new EventLoopMonitor({ maxDelayMs: 1000, registry })
 * loop.start()
 * loop.sample().stallMs // undefined unless the loop stalled just now
 * loop.stop()
 * ```
 */
export class EventLoopMonitor {
  readonly #options: EventLoopMonitorOptions
  readonly #intervalMs: number
  readonly #histogram: IntervalHistogram
  #timer: NodeJS.Timeout | undefined
  #lastTick = 0
  #last: EventLoopSample = { maxDelayMs: 0, p99DelayMs: 0 }

  constructor(options: EventLoopMonitorOptions) {
    this.#options = options
    this.#intervalMs = options.intervalMs ?? 500
    this.#histogram = monitorEventLoopDelay({ resolution: 10 })
    const monitor = this
    const registers = [options.registry]
    new Gauge({
      name: 'switchyard_event_loop_delay_max_seconds',
      help: 'Worst event-loop delay in the last measuring window (perf_hooks.monitorEventLoopDelay)',
      registers,
      collect() {
        this.set(monitor.sample().maxDelayMs / 1000)
      },
    })
    new Gauge({
      name: 'switchyard_event_loop_stalled',
      help: '1 while the event loop stalls longer than server.max_event_loop_delay_ms, else 0',
      registers,
      collect() {
        this.set(monitor.sample().stallMs === undefined ? 0 : 1)
      },
    })
  }

  start(): void {
    this.#histogram.enable()
    this.#lastTick = performance.now()
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#histogram.disable()
  }

  /** The last window's figures; a tick overdue by more than the bound (the loop is only now free) counts too. */
  sample(): EventLoopSample {
    const overdueMs = performance.now() - this.#lastTick - this.#intervalMs
    if (overdueMs > this.#options.maxDelayMs && overdueMs > (this.#last.stallMs ?? 0))
      return { ...this.#last, stallMs: Math.round(overdueMs) }
    return this.#last
  }

  #tick(): void {
    const now = performance.now()
    const lateMs = now - this.#lastTick - this.#intervalMs
    this.#lastTick = now
    const maxDelayMs = Math.max(this.#histogram.max / 1e6, lateMs, 0)
    const p99DelayMs = this.#histogram.count > 0 ? this.#histogram.percentile(99) / 1e6 : 0
    this.#histogram.reset()
    const stalled = maxDelayMs > this.#options.maxDelayMs
    this.#last = {
      maxDelayMs: Math.round(maxDelayMs),
      p99DelayMs: Math.round(p99DelayMs),
      ...(stalled ? { stallMs: Math.round(maxDelayMs) } : {}),
    }
  }
}
