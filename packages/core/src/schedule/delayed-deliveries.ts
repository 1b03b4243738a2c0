import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { DeliveryRecord, Store } from '../store/store.js'
import { dueMsOf } from './deliver-at.js'
import type { LeaderLease } from './leader-lease.js'
import { LeaderLoop } from './leader-loop.js'

/** The Store KV namespace of delayed events (plugin names are kebab-case, so no plugin has this one). */
export const DELAYED_NAMESPACE = 'switchyard.delayed'
/** How often a node looks for due events it did not schedule itself (another node's, after a failover). */
const DEFAULT_POLL_MS = 1000
/** Due events handed to the transport per Store read. */
const BATCH = 100

/** One delayed event as the Store keeps it until it is due. */
interface DelayedEntry {
  event: Event
  handlers: string[]
}

/** What `DelayedDeliveries` needs from its bus. */
export interface DelayedDeliveriesDeps {
  store: Store
  logger: Logger
  /** Only the node holding it fires due events. */
  lease: LeaderLease
  /** Hands a due event to the transport for these handlers. */
  publish(event: Event, handlers: readonly string[]): Promise<unknown>
  /**
   * True when the transport keeps accepted events itself (JetStream): a due event is then handed to it before
   * its entry is removed, so a node dying in between fires it again (the transport drops the copy by its
   * message id). Otherwise the entry is removed first and `resume` hands out what a dead process did not.
   */
  keepsUnacked: boolean
  pollMs?: number
}

/**
 * The delayed events of a bus (`enqueue` with `deliverAt` or `delayMs`), kept in the Store until due: each is an
 * entry of the Store's KV namespace `switchyard.delayed` keyed by due time, so the first keys are the next due,
 * and its deliveries are `scheduled` in the ledger (with `dueAt`). The node holding the scheduler lease hands
 * due events to the transport; on a Store shared by nodes (NATS) any node takes over when the leader is gone.
 * Nothing is held in a transport while it waits: no consumer slot, no redelivery count, no drain waiting for it.
 *
 * @example
 * ```ts
 * await delayed.schedule(event, ['send_reminder'], Date.parse('2026-12-24T18:00:00Z'))
 * delayed.start()
 * ```
 */
export class DelayedDeliveries {
  readonly #deps: DelayedDeliveriesDeps
  readonly #loop: LeaderLoop
  /** Events fired (or taken by `resume`) in this process before `resume` ran: neither hands one out twice. */
  #taken: Set<string> | undefined = new Set()

  constructor(deps: DelayedDeliveriesDeps) {
    this.#deps = deps
    const pollMs = deps.pollMs ?? DEFAULT_POLL_MS
    this.#loop = new LeaderLoop({
      lease: deps.lease,
      logger: deps.logger,
      name: 'delayed events',
      followerPollMs: pollMs,
      // Due events of other nodes (a failover) are found by reading the Store again after pollMs.
      work: async () => Math.min(Date.now() + pollMs, await this.#fireDue()),
    })
  }

  /**
   * Keeps `event` until `dueMs` for `handlers`: marks their deliveries `scheduled` with the due time and adds
   * its entry. Resolves once both are in the Store. Starts the loop.
   */
  async schedule(event: Event, handlers: readonly string[], dueMs: number): Promise<void> {
    await this.keep(event, handlers, dueMs)
    this.start()
  }

  /** `schedule` without starting the loop (`resume` re-adding an entry a dead process may not have written). */
  async keep(event: Event, handlers: readonly string[], dueMs: number): Promise<void> {
    const dueAt = new Date(dueMs).toISOString()
    const updatedAt = new Date().toISOString()
    const rows = handlers.map(
      (handler): DeliveryRecord => ({
        eventId: event.id,
        handler,
        status: 'scheduled',
        attempts: 0,
        durationMs: 0,
        updatedAt,
        dueAt,
      }),
    )
    const entry: DelayedEntry = { event, handlers: [...handlers] }
    await Promise.all([
      this.#deps.store.recordDeliveries(rows),
      this.#deps.store.kvSet(DELAYED_NAMESPACE, entryKey(event.id, dueMs), entry),
    ])
    if (dueMs < this.#loop.nextRoundMs) this.#loop.wake()
  }

  /**
   * For `resume`: takes an overdue event out of the schedule so that `resume` hands it out itself; false when
   * this process fired it already.
   */
  async takeOverdue(event: Event): Promise<boolean> {
    if (this.#taken?.has(event.id)) return false
    this.#taken?.add(event.id)
    const dueMs = dueMsOf(event)
    if (dueMs !== undefined) await this.#deps.store.kvDelete(DELAYED_NAMESPACE, entryKey(event.id, dueMs))
    return true
  }

  /** `resume` is done: from now on nothing else hands out overdue events, so none needs remembering. */
  resumed(): void {
    this.#taken = undefined
    this.start()
  }

  /** Starts looking for due events (once). */
  start(): void {
    this.#loop.start()
  }

  /** Stops the loop; resolves once an event being handed out is. Entries stay in the Store for the next start. */
  stop(): Promise<void> {
    return this.#loop.stop()
  }

  /** Hands out every due event; resolves to when the next one is due (Infinity when none is known). */
  async #fireDue(): Promise<number> {
    const { store } = this.#deps
    for (;;) {
      const entries = await store.kvList(DELAYED_NAMESPACE, { limit: BATCH })
      for (const { key, value } of entries) {
        const dueMs = Number(key.slice(0, key.indexOf('.')))
        if (dueMs > Date.now()) return dueMs
        if (this.#loop.stopped) return Number.POSITIVE_INFINITY
        await this.#fire(key, value as DelayedEntry)
      }
      if (entries.length < BATCH) return Number.POSITIVE_INFINITY
    }
  }

  async #fire(key: string, { event, handlers }: DelayedEntry): Promise<void> {
    const { store, publish, keepsUnacked } = this.#deps
    if (this.#taken?.has(event.id)) return
    this.#taken?.add(event.id)
    if (keepsUnacked) {
      await publish(event, handlers)
      await store.kvDelete(DELAYED_NAMESPACE, key)
    } else if (await store.kvDelete(DELAYED_NAMESPACE, key)) {
      await publish(event, handlers)
    }
  }
}

/** Due time first, zero-padded, so that the Store's key order is the order in which events fall due. */
function entryKey(eventId: string, dueMs: number): string {
  return `${String(dueMs).padStart(15, '0')}.${eventId}`
}
