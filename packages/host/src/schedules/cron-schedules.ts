import { randomUUID } from 'node:crypto'
import {
  createEvent,
  type EventBus,
  LeaderLease,
  LeaderLoop,
  type Logger,
  noopLogger,
  type Store,
} from '@switchyard/core'
import type { ScheduleConfig } from '../config/schedules-schema.js'
import { type CronExpression, cronExpression } from './cron-expression.js'

/** The Store KV namespace of the schedules' progress (plugin names are kebab-case: no plugin has this one). */
export const SCHEDULES_NAMESPACE = 'switchyard.schedules'
/** The lease whose holder publishes the ticks of every schedule, cluster-wide. */
const CRON_LEASE = 'switchyard.cron'
const CRON_LEASE_MS = 10_000
/** How often a node that does not lead checks whether it should. */
const FOLLOWER_POLL_MS = 1000
/** A tick this long before this node began to lead still counts as on time (a failover, a slow start). */
const ON_TIME_MS = 5000
/** Ticks published per schedule per wake-up with `catch_up: all`; the rest follow at once. */
const MAX_TICKS_PER_WAKE = 1000
/** Missed ticks looked through per schedule per wake-up with `catch_up: none | last`; the rest follow at once. */
const MAX_TICKS_SKIPPED_PER_WAKE = 100_000

/** A schedule's progress as the Store keeps it: the last tick dealt with, and the last one published. */
interface ScheduleState {
  /** RFC 3339: ticks up to this one are done (published or skipped by `catch_up`). */
  lastTickAt: string
  /** RFC 3339: the tick of the last event published. */
  lastRunAt?: string
  lastEventId?: string
}

/** What `GET /api/v1/schedules` shows of one schedule. */
export interface ScheduleInfo {
  name: string
  cron: string
  timezone: string | null
  catchUp: ScheduleConfig['catch_up']
  eventType: string
  /** RFC 3339: the next tick, null when the expression has none left. */
  nextRunAt: string | null
  /** RFC 3339: the tick of the last event published, null before the first. */
  lastRunAt: string | null
  lastEventId: string | null
}

interface Entry {
  config: ScheduleConfig
  expression: CronExpression
}

/**
 * The config's `schedules:`: on each tick of a schedule's cron expression, its event is enqueued, once
 * cluster-wide: only the node holding the Store lease `switchyard.cron` publishes, each tick's event has the
 * idempotencyKey `schedule:<name>:<tick>` (so a tick published twice across a failover is dropped as a
 * duplicate), and the progress is kept in the Store (KV namespace `switchyard.schedules`). At the first start a
 * schedule begins from now; after downtime the ticks missed are published per `catch_up`.
 *
 * @example
 * ```ts
 * const schedules = new CronSchedules({ bus, store, logger })
 * schedules.set(config.schedules)
 * schedules.start()
 * ```
 */
export class CronSchedules {
  readonly #bus: Pick<EventBus, 'enqueue'>
  readonly #store: Store
  readonly #logger: Logger
  readonly #loop: LeaderLoop
  #entries: Entry[] = []
  /** Progress of each schedule as this node last read or wrote it while leading. */
  readonly #states = new Map<string, ScheduleState>()
  /** The last missed tick seen of a long gap not looked through yet, per schedule (see `#publishTicks`). */
  readonly #carried = new Map<string, Date>()
  /** Since when (epoch ms) this node leads: ticks before it were missed while no node published them. */
  #leadingSinceMs = 0

  constructor(options: { bus: Pick<EventBus, 'enqueue'>; store: Store; logger?: Logger }) {
    this.#bus = options.bus
    this.#store = options.store
    this.#logger = options.logger ?? noopLogger
    this.#loop = new LeaderLoop({
      lease: new LeaderLease(options.store, CRON_LEASE, randomUUID(), CRON_LEASE_MS),
      logger: this.#logger,
      name: 'schedules',
      followerPollMs: FOLLOWER_POLL_MS,
      work: (leadingSinceMs) => {
        // Another node may have published ticks while this one did not lead: read the progress again.
        if (leadingSinceMs !== this.#leadingSinceMs) this.#states.clear()
        this.#leadingSinceMs = leadingSinceMs
        return this.#publishDue()
      },
    })
  }

  /** Replaces the schedules (config load and reload); progress is kept per name. */
  set(configs: readonly ScheduleConfig[]): void {
    this.#entries = configs.map((config) => ({
      config,
      expression: cronExpression(config.cron, config.timezone),
    }))
    this.#loop.wake()
  }

  /** Starts publishing ticks (once). */
  start(): void {
    this.#loop.start()
  }

  /** Stops; resolves once a tick being published is. */
  stop(): Promise<void> {
    return this.#loop.stop()
  }

  /** Every schedule with its next tick and, from the Store (any node may have published it), its last run. */
  async list(): Promise<ScheduleInfo[]> {
    const now = new Date()
    return Promise.all(
      this.#entries.map(async ({ config, expression }) => {
        const state = (await this.#store.kvGet(SCHEDULES_NAMESPACE, config.name)) as ScheduleState | undefined
        return {
          name: config.name,
          cron: config.cron,
          timezone: config.timezone ?? null,
          catchUp: config.catch_up,
          eventType: config.event.type,
          nextRunAt: expression.after(now)?.toISOString() ?? null,
          lastRunAt: state?.lastRunAt ?? null,
          lastEventId: state?.lastEventId ?? null,
        }
      }),
    )
  }

  /** Publishes the due ticks of every schedule; resolves to when the next tick of any is due. */
  async #publishDue(): Promise<number> {
    let nextMs = Number.POSITIVE_INFINITY
    for (const entry of this.#entries) {
      if (this.#loop.stopped) break
      const state = await this.#publishTicks(entry, Date.now())
      const next = entry.expression.after(new Date(state.lastTickAt))
      if (next !== undefined) nextMs = Math.min(nextMs, next.getTime())
    }
    // Still leading by then? The lease is renewed well before it runs out.
    return Math.min(nextMs, Date.now() + CRON_LEASE_MS / 2)
  }

  async #publishTicks({ config, expression }: Entry, nowMs: number): Promise<ScheduleState> {
    const { name } = config
    let state =
      this.#states.get(name) ??
      ((await this.#store.kvGet(SCHEDULES_NAMESPACE, name)) as ScheduleState | undefined)
    if (state === undefined) return this.#save(name, { lastTickAt: new Date(nowMs).toISOString() })
    // Ticks due while this node led are all published, however late it got to them; catch_up decides which
    // of those missed before it led (no node running, or none leading) are.
    const onTimeMs = this.#leadingSinceMs - ON_TIME_MS
    const keepsMissed = config.catch_up === 'all'
    const publish: Date[] = []
    let lastMissed = this.#carried.get(name)
    let missed = 0
    let tick = expression.after(new Date(state.lastTickAt))
    for (; tick !== undefined && tick.getTime() <= nowMs; tick = expression.after(tick)) {
      if (tick.getTime() < onTimeMs && !keepsMissed) {
        lastMissed = tick
        // A long gap of frequent ticks: go on at the next wake, remembering the last one seen.
        if (++missed === MAX_TICKS_SKIPPED_PER_WAKE) break
      } else if (publish.push(tick) === MAX_TICKS_PER_WAKE) break
    }
    this.#carried.delete(name)
    if (missed === MAX_TICKS_SKIPPED_PER_WAKE && lastMissed !== undefined) {
      this.#carried.set(name, lastMissed)
      return this.#save(name, { ...state, lastTickAt: lastMissed.toISOString() })
    }
    if (config.catch_up === 'last' && lastMissed !== undefined) publish.unshift(lastMissed)
    else if (lastMissed !== undefined)
      this.#logger.info(
        { schedule: name, catchUp: config.catch_up },
        'schedule: ticks missed while no server ran are skipped',
      )
    const last = publish.at(-1) ?? lastMissed
    for (const due of publish) {
      if (this.#loop.stopped) return state
      const tickAt = due.toISOString()
      const { id } = await this.#bus.enqueue(
        createEvent(config.event.type, config.event.data, {
          metadata: { idempotencyKey: `schedule:${name}:${tickAt}`, schedule: name, scheduledFor: tickAt },
        }),
      )
      state = await this.#save(name, { lastTickAt: tickAt, lastRunAt: tickAt, lastEventId: id })
    }
    return last === undefined || state.lastTickAt === last.toISOString()
      ? state
      : this.#save(name, { ...state, lastTickAt: last.toISOString() })
  }

  async #save(name: string, state: ScheduleState): Promise<ScheduleState> {
    await this.#store.kvSet(SCHEDULES_NAMESPACE, name, state)
    this.#states.set(name, state)
    return state
  }
}
