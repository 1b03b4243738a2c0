import type { PluginStore } from '@switchyard/plugin-sdk'
import type { DeliveryAttempt, DeliveryStatus } from './send-webhook.js'

/** One delivery of one event to one endpoint, with every HTTP attempt it took. */
export interface DeliveryLogEntry {
  subscriptionId: string
  eventId: string
  eventType: string
  status: DeliveryStatus
  attempts: DeliveryAttempt[]
  /** RFC 3339 time the delivery finished. */
  finishedAt: string
}

const SENT_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * Per-endpoint delivery log and the record of which events each endpoint already got, both in the plugin store.
 * The log keeps the newest `limit` entries per endpoint.
 *
 * @example
 * ```ts
 * const log = new DeliveryLog(ctx.store, 100)
 * await log.record(entry)
 * await log.list('whs_…', 20) // newest first
 * ```
 */
export class DeliveryLog {
  readonly #store: PluginStore
  readonly #limit: number

  constructor(store: PluginStore, limit: number) {
    this.#store = store
    this.#limit = limit
  }

  async record(entry: DeliveryLogEntry): Promise<void> {
    // ISO time first so that key order is time order; the event id keeps two same-millisecond entries apart.
    await this.#store.set(`${logPrefix(entry.subscriptionId)}${entry.finishedAt}:${entry.eventId}`, entry)
    const entries = await this.#store.list({ prefix: logPrefix(entry.subscriptionId) })
    const excess = entries.slice(0, Math.max(0, entries.length - this.#limit))
    await Promise.all(excess.map((old) => this.#store.delete(old.key)))
  }

  /** Newest first. */
  async list(subscriptionId: string, limit: number): Promise<DeliveryLogEntry[]> {
    const entries = await this.#store.list({ prefix: logPrefix(subscriptionId) })
    return entries
      .slice(-limit)
      .reverse()
      .map((entry) => entry.value as DeliveryLogEntry)
  }

  /** Forgets an endpoint's log, when its subscription is deleted. */
  async forget(subscriptionId: string): Promise<void> {
    const entries = await this.#store.list({ prefix: logPrefix(subscriptionId) })
    await Promise.all(entries.map((entry) => this.#store.delete(entry.key)))
  }

  /** Whether the endpoint already received (or permanently refused) the event with this idempotency key. */
  async wasSent(subscriptionId: string, idempotencyKey: string): Promise<boolean> {
    return (await this.#store.get(sentKey(subscriptionId, idempotencyKey))) !== undefined
  }

  async markSent(subscriptionId: string, idempotencyKey: string): Promise<void> {
    await this.#store.set(sentKey(subscriptionId, idempotencyKey), true, { ttlMs: SENT_TTL_MS })
  }
}

function logPrefix(subscriptionId: string): string {
  return `delivery:${subscriptionId}:`
}

function sentKey(subscriptionId: string, idempotencyKey: string): string {
  return `sent:${subscriptionId}:${idempotencyKey}`
}
