import type { DeliveryOutcome, EventBus } from '@switchyard/core'
import type * as v from 'valibot'
import type { RecentFailure as RecentFailureSchema, Stats } from '../routes/responses/stats-responses.js'
import { bucketQuantile, LATENCY_BUCKETS, latencyBucket } from './latency-buckets.js'
import { PerSecondRing } from './per-second-ring.js'

/** How far back the stats reach: 15 minutes, one slot per second. */
export const STATS_WINDOW_SECONDS = 900
/** How many recent failures are kept. */
const RECENT_FAILURES = 20

/** The final delivery states, counted per second, in this order. */
export const OUTCOME_STATUSES = [
  'succeeded',
  'failed',
  'timed_out',
  'dead_lettered',
  'skipped_duplicate',
  'unrouted',
] as const
type OutcomeStatus = (typeof OUTCOME_STATUSES)[number]
const COLUMN = new Map<string, number>(OUTCOME_STATUSES.map((status, i) => [status, i]))
/** Outcomes whose duration is a handler's running time (skipped and unrouted ones ran nothing). */
const TIMED = new Set(['succeeded', 'failed', 'timed_out', 'dead_lettered'])
const FAILED = new Set(['failed', 'timed_out', 'dead_lettered'])

/** One failed delivery as the overview lists it. */
export type RecentFailure = v.InferOutput<typeof RecentFailureSchema>

/** `GET /api/v1/stats` without the backends: per-second series, oldest second first, and the latest failures. */
export type StatsSnapshot = Omit<v.InferOutput<typeof Stats>, 'backends'>

/**
 * What the admin UI's overview charts: events accepted, delivery outcomes and handler latency per second over the
 * last 15 minutes, in fixed-size ring buffers fed by the bus's `observe` API (no parsing of `/metrics`), and the
 * last failed deliveries. Per process: each node of a cluster counts its own.
 *
 * @example
 * ```ts
 * const stats = new ServerStats()
 * const stop = stats.observe(bus)
 * stats.snapshot(60).published // the last minute
 * ```
 */
export class ServerStats {
  readonly #published = new PerSecondRing(STATS_WINDOW_SECONDS, 1)
  readonly #outcomes = new PerSecondRing(STATS_WINDOW_SECONDS, OUTCOME_STATUSES.length)
  readonly #latency = new PerSecondRing(STATS_WINDOW_SECONDS, LATENCY_BUCKETS)
  readonly #failures: RecentFailure[] = []
  readonly #now: () => number

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now
  }

  /** Starts counting what `bus` does; returns how to stop. */
  observe(bus: Pick<EventBus, 'observe'>): () => void {
    return bus.observe({
      published: () => this.#published.add(this.#second(), 0),
      outcome: (event, outcome) => this.#outcome(event.id, event.type, outcome),
    })
  }

  /** The last `seconds` seconds (at most the window), ending with the current one. */
  snapshot(seconds = STATS_WINDOW_SECONDS): StatsSnapshot {
    const count = Math.max(1, Math.min(STATS_WINDOW_SECONDS, Math.floor(seconds)))
    const last = this.#second()
    const from = last - count + 1
    const published: number[] = []
    const deliveries = Object.fromEntries(OUTCOME_STATUSES.map((s) => [s, [] as number[]])) as Record<
      OutcomeStatus,
      number[]
    >
    const p50: (number | null)[] = []
    const p95: (number | null)[] = []
    for (let second = from; second <= last; second++) {
      published.push(this.#published.row(second)?.[0] ?? 0)
      const outcomes = this.#outcomes.row(second)
      OUTCOME_STATUSES.forEach((status, i) => {
        deliveries[status].push(outcomes?.[i] ?? 0)
      })
      const latency = this.#latency.row(second)
      p50.push(latency ? bucketQuantile(latency, 0.5) : null)
      p95.push(latency ? bucketQuantile(latency, 0.95) : null)
    }
    return {
      from,
      seconds: count,
      published,
      deliveries,
      latency: { p50, p95 },
      recentFailures: [...this.#failures].reverse(),
    }
  }

  #second(): number {
    return Math.floor(this.#now() / 1000)
  }

  #outcome(eventId: string, type: string, outcome: DeliveryOutcome): void {
    const column = COLUMN.get(outcome.status)
    if (column === undefined) return
    const second = this.#second()
    this.#outcomes.add(second, column)
    if (TIMED.has(outcome.status)) this.#latency.add(second, latencyBucket(outcome.durationMs))
    if (!FAILED.has(outcome.status)) return
    this.#failures.push({
      time: new Date(this.#now()).toISOString(),
      eventId,
      type,
      handler: outcome.handler,
      status: outcome.status,
      code: outcome.error?.code ?? null,
      message: outcome.error?.message ?? null,
    })
    if (this.#failures.length > RECENT_FAILURES) this.#failures.shift()
  }
}
